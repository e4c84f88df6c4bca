// libxml2's streaming reader (xmlTextReader) and its error type: all EHCPBindings uses.
// Debian installs the headers under /usr/include/libxml2 (pkg-config libxml-2.0 says so).
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
