#include "curb-virtual-printer-parser.h"

#define ESC 0x1b
#define GS  0x1d
#define DLE 0x10
#define FS  0x1c

static gsize
simple (CurbEscposCommand     *cmd,
        CurbEscposCommandKind  kind,
        const guint8          *buf,
        gsize                  len,
        gsize                  size)
{
  if (len < size)
    return 0;
  cmd->kind = kind;
  cmd->n = size > 2 ? buf[size - 1] : 0;
  return size;
}

static gsize
unknown (CurbEscposCommand *cmd)
{
  cmd->kind = CURB_ESCPOS_CMD_UNKNOWN;
  return 1;
}

/* ESC x with the number of parameter bytes each takes. */
static gsize
parse_esc (const guint8      *buf,
           gsize              len,
           CurbEscposCommand *cmd)
{
  if (len < 2)
    return 0;
  switch (buf[1])
    {
    case '@': return simple (cmd, CURB_ESCPOS_CMD_INIT, buf, len, 2);
    case 'a': return simple (cmd, CURB_ESCPOS_CMD_ALIGN, buf, len, 3);
    case 'E': return simple (cmd, CURB_ESCPOS_CMD_BOLD, buf, len, 3);
    case '-': return simple (cmd, CURB_ESCPOS_CMD_UNDERLINE, buf, len, 3);
    case '!': return simple (cmd, CURB_ESCPOS_CMD_PRINT_MODE, buf, len, 3);
    case 't': return simple (cmd, CURB_ESCPOS_CMD_CODE_PAGE, buf, len, 3);
    case 'd': return simple (cmd, CURB_ESCPOS_CMD_FEED_LINES, buf, len, 3);
    case 'J': return simple (cmd, CURB_ESCPOS_CMD_FEED_DOTS, buf, len, 3);
    case '2': return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 2);
    case '3': case 'M': case ' ': case '{': case 'R': case 'G': case 'V': case 'U': case 'c':
      return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, buf[1] == 'c' ? 4 : 3);
    case '$': return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 4);
    case 'p': return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 5);
    default:  return unknown (cmd);
    }
}

/* GS ( x pL pH fn ...: the function-style commands. */
static gsize
parse_gs_paren (const guint8      *buf,
                gsize              len,
                CurbEscposCommand *cmd)
{
  gsize param_len, size;

  if (len < 5)
    return 0;
  param_len = buf[3] | (buf[4] << 8);
  size = 5 + param_len;
  if (len < size)
    return 0;
  cmd->kind = CURB_ESCPOS_CMD_IGNORED;
  if (buf[2] == 'k' && param_len >= 2 && buf[5] == 49)
    {
      cmd->kind = CURB_ESCPOS_CMD_QR;
      cmd->n = buf[6];
      cmd->data = buf + 7;
      cmd->len = param_len - 2;
    }
  else if (buf[2] == 'H' && param_len == 6 && buf[5] == 48 && buf[6] == 48)
    {
      cmd->kind = CURB_ESCPOS_CMD_PROCESS_ID;
      cmd->data = buf + 7;
      cmd->len = 4;
    }
  return size;
}

static gsize
parse_raster (const guint8      *buf,
              gsize              len,
              CurbEscposCommand *cmd)
{
  gsize size;

  if (len < 8)
    return 0;
  if (buf[2] != '0')
    return unknown (cmd);
  cmd->kind = CURB_ESCPOS_CMD_RASTER;
  cmd->n = buf[3] & 3;
  cmd->width_bytes = buf[4] | (buf[5] << 8);
  cmd->height = buf[6] | (buf[7] << 8);
  size = 8 + (gsize) cmd->width_bytes * cmd->height;
  if (size > CURB_ESCPOS_MAX_COMMAND)
    return unknown (cmd);
  if (len < size)
    return 0;
  cmd->data = buf + 8;
  cmd->len = size - 8;
  return size;
}

static gsize
parse_cut (const guint8      *buf,
           gsize              len,
           CurbEscposCommand *cmd)
{
  if (len < 3)
    return 0;
  cmd->kind = CURB_ESCPOS_CMD_CUT;
  cmd->n = buf[2];
  if (buf[2] == 65 || buf[2] == 66 || buf[2] == 97 || buf[2] == 98)
    return len < 4 ? 0 : 4;
  return 3;
}

static gsize
parse_gs (const guint8      *buf,
          gsize              len,
          CurbEscposCommand *cmd)
{
  if (len < 2)
    return 0;
  switch (buf[1])
    {
    case '!': return simple (cmd, CURB_ESCPOS_CMD_SIZE, buf, len, 3);
    case 'r': return simple (cmd, CURB_ESCPOS_CMD_STATUS_TRANSMIT, buf, len, 3);
    case 'B': return simple (cmd, CURB_ESCPOS_CMD_INVERT, buf, len, 3);
    case 'V': return parse_cut (buf, len, cmd);
    case 'v': return parse_raster (buf, len, cmd);
    case '(': return parse_gs_paren (buf, len, cmd);
    case 'H': case 'f': case 'h': case 'w': case 'a': case 'b': case 'I':
      return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 3);
    case 'L': case 'W': return simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 4);
    default:  return unknown (cmd);
    }
}

static gsize
parse_text (const guint8      *buf,
            gsize              len,
            CurbEscposCommand *cmd)
{
  gsize n = 0;

  while (n < len && buf[n] >= 0x20 && buf[n] != 0x7f)
    n++;
  cmd->kind = CURB_ESCPOS_CMD_TEXT;
  cmd->data = buf;
  cmd->len = n;
  return n;
}

/**
 * curb_escpos_parse_next:
 * @buf: received bytes
 * @len: how many
 * @cmd: (out): the command at the start of @buf
 *
 * Returns: the bytes the command takes, or 0 when @buf ends inside it
 */
gsize
curb_escpos_parse_next (const guint8      *buf,
                        gsize              len,
                        CurbEscposCommand *cmd)
{
  *cmd = (CurbEscposCommand) { 0 };
  if (len == 0)
    return 0;
  switch (buf[0])
    {
    case ESC:
      return parse_esc (buf, len, cmd);
    case GS:
      return parse_gs (buf, len, cmd);
    case DLE:
      if (len < 3)
        return 0;
      if (buf[1] != 0x04)
        return unknown (cmd);
      return simple (cmd, CURB_ESCPOS_CMD_STATUS_REALTIME, buf, len, 3);
    case '\n':
      cmd->kind = CURB_ESCPOS_CMD_LF;
      return 1;
    case FS:
      return len < 2 ? 0 : simple (cmd, CURB_ESCPOS_CMD_IGNORED, buf, len, 2);
    default:
      if (buf[0] >= 0x20 && buf[0] != 0x7f)
        return parse_text (buf, len, cmd);
      cmd->kind = CURB_ESCPOS_CMD_IGNORED;
      return 1;
    }
}
