#include "curb-escpos-status.h"

/* Every DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear. */
#define FIXED_MASK 0x93
#define FIXED_BITS 0x12

gboolean
curb_escpos_status_byte_valid (guint8 byte)
{
  return (byte & FIXED_MASK) == FIXED_BITS;
}

/**
 * curb_escpos_status_parse:
 * @query: the n of the DLE EOT n that was sent (1..4)
 * @byte: the printer's answer
 *
 * Returns: the flags that answer reports
 */
CurbPrinterStatus
curb_escpos_status_parse (guint  query,
                          guint8 byte)
{
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  if (!curb_escpos_status_byte_valid (byte))
    return CURB_PRINTER_STATUS_ERROR;
  switch (query)
    {
    case CURB_ESCPOS_STATUS_PRINTER:
      if (byte & 0x08)
        status |= CURB_PRINTER_STATUS_OFFLINE;
      break;
    case CURB_ESCPOS_STATUS_OFFLINE:
      if (byte & 0x04)
        status |= CURB_PRINTER_STATUS_COVER_OPEN;
      if (byte & 0x20)
        status |= CURB_PRINTER_STATUS_PAPER_OUT;
      if (byte & 0x40)
        status |= CURB_PRINTER_STATUS_ERROR;
      break;
    case CURB_ESCPOS_STATUS_ERROR:
      if (byte & 0x68)
        status |= CURB_PRINTER_STATUS_ERROR;
      break;
    case CURB_ESCPOS_STATUS_PAPER:
      if (byte & 0x0c)
        status |= CURB_PRINTER_STATUS_PAPER_NEAR_END;
      if (byte & 0x60)
        status |= CURB_PRINTER_STATUS_PAPER_OUT;
      break;
    default:
      g_return_val_if_reached (CURB_PRINTER_STATUS_ERROR);
    }
  return status;
}

/**
 * curb_escpos_status_encode:
 * @query: 1..4
 * @status: the state to report
 *
 * The byte a printer in @status answers to DLE EOT @query (the virtual
 * printer's side of curb_escpos_status_parse()).
 */
guint8
curb_escpos_status_encode (guint             query,
                           CurbPrinterStatus status)
{
  guint8 byte = FIXED_BITS;
  gboolean offline = status & (CURB_PRINTER_STATUS_OFFLINE | CURB_PRINTER_STATUS_COVER_OPEN |
                               CURB_PRINTER_STATUS_PAPER_OUT | CURB_PRINTER_STATUS_ERROR);

  switch (query)
    {
    case CURB_ESCPOS_STATUS_PRINTER:
      byte |= offline ? 0x08 : 0;
      break;
    case CURB_ESCPOS_STATUS_OFFLINE:
      byte |= (status & CURB_PRINTER_STATUS_COVER_OPEN) ? 0x04 : 0;
      byte |= (status & CURB_PRINTER_STATUS_PAPER_OUT) ? 0x20 : 0;
      byte |= (status & CURB_PRINTER_STATUS_ERROR) ? 0x40 : 0;
      break;
    case CURB_ESCPOS_STATUS_ERROR:
      byte |= (status & CURB_PRINTER_STATUS_ERROR) ? 0x20 : 0;
      break;
    case CURB_ESCPOS_STATUS_PAPER:
      byte |= (status & (CURB_PRINTER_STATUS_PAPER_NEAR_END | CURB_PRINTER_STATUS_PAPER_OUT)) ? 0x0c : 0;
      byte |= (status & CURB_PRINTER_STATUS_PAPER_OUT) ? 0x60 : 0;
      break;
    default:
      g_return_val_if_reached (FIXED_BITS);
    }
  return byte;
}

/* For logs and ctl output: "paper-out,cover-open" or "ok". */
char *
curb_printer_status_to_string (CurbPrinterStatus status)
{
  static const char *names[] = { "offline", "cover-open", "paper-out", "paper-near-end",
                                 "error", "unreachable" };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (status & (1u << i))
      g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", names[i]);
  if (out->len == 0)
    g_string_append (out, "ok");
  return g_string_free (out, FALSE);
}
