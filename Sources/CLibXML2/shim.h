// libxml2's SAX2 push parser, its file input layer and its error type: all EHCPBindings uses.
// Debian installs the headers under /usr/include/libxml2 (pkg-config libxml-2.0 says so).
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
