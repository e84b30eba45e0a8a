#ifndef TRACEREPORT_CLIBXML2_SHIM_H
#define TRACEREPORT_CLIBXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>

#endif
