#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CurbPrintCatalog:
 *
 * The translations of one language, read from curbside.mo. Printed matter
 * is in the shopper's (or the store's) language whatever the locale of the
 * process that prints it, so it does not go through the process's gettext.
 */
typedef struct _CurbPrintCatalog CurbPrintCatalog;

const CurbPrintCatalog *curb_print_catalog_get    (const char *lang);
const char             *curb_print_catalog_lang   (const CurbPrintCatalog *catalog);
const char             *curb_print_catalog_lookup (const CurbPrintCatalog *catalog,
                                                   const char             *msgid);
gboolean                curb_print_catalog_is_translated (const CurbPrintCatalog *catalog);
const char             *curb_print_catalog_dir    (void);
GHashTable             *curb_print_catalog_parse_mo (GBytes  *mo,
                                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
