#!/usr/bin/env python3
"""The comparison pass of the SEN2 benchmark: lxml.etree.iterparse over a return, counting
the <Requests> elements and nothing else (no dates read, no rules). Each <Person> is
cleared, and taken off the root, once it has been read (the usual idiom that keeps
iterparse's memory flat), so the pass streams as the tool does.

Usage: lxml_count_requests.py RETURN.xml   (prints the count)
"""
import sys

from lxml import etree


def main(path):
    count = 0
    for _, element in etree.iterparse(path, events=("end",), tag=("Requests", "Person")):
        if element.tag == "Requests":
            count += 1
        else:
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    print(count)


if __name__ == "__main__":
    main(sys.argv[1])
