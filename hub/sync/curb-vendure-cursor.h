#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CurbVendurePhase:
 * @CURB_VENDURE_PHASE_NEW: orders placed after the placed cursor
 * @CURB_VENDURE_PHASE_CHANGED: orders whose updatedAt moved
 * @CURB_VENDURE_PHASE_OPEN: re-reading the open orders (fulfilment changes
 *   do not move updatedAt)
 *
 * Where a sweep over Vendure's orders stands. A sweep runs the three in order.
 */
typedef enum
{
  CURB_VENDURE_PHASE_NEW,
  CURB_VENDURE_PHASE_CHANGED,
  CURB_VENDURE_PHASE_OPEN,
} CurbVendurePhase;

/**
 * CurbVendureCursor:
 * @placed_ms: orderPlacedAt of the last new order taken (ms)
 * @placed_id: its id, to tell apart orders placed in the same millisecond
 * @updated_ms: the newest updatedAt taken (Vendure stores whole seconds)
 * @seen: (element-type utf8 utf8): id → fingerprint of the orders taken at
 *   @updated_ms: the next query re-reads that second and skips these
 * @open_skip: how far the re-read of the open orders got (one page a sweep)
 * @first_sweep: this sweep started from nothing (it reads every open order
 *   anyway, so it skips the re-read)
 *
 * The pull cursor of the Vendure connector; its text form is what the hub
 * stores as its sync cursor.
 */
typedef struct
{
  CurbVendurePhase  phase;
  gint64            placed_ms;
  gint64            placed_id;
  gint64            updated_ms;
  GHashTable       *seen;
  guint             open_skip;
  gboolean          first_sweep;
} CurbVendureCursor;

/* Text from a previous curb_vendure_cursor_to_string(); NULL, empty or
 * unreadable text gives a fresh cursor (a full, idempotent re-sync). */
CurbVendureCursor *curb_vendure_cursor_parse     (const char              *text) G_GNUC_WARN_UNUSED_RESULT;
char              *curb_vendure_cursor_to_string (const CurbVendureCursor *cursor) G_GNUC_WARN_UNUSED_RESULT;
void               curb_vendure_cursor_free      (CurbVendureCursor       *cursor);
/* Takes an order seen at @updated_ms: moves the cursor or adds to @seen. */
void               curb_vendure_cursor_take      (CurbVendureCursor       *cursor,
                                                  gint64                   updated_ms,
                                                  const char              *id,
                                                  const char              *fingerprint);
gboolean           curb_vendure_cursor_has_seen  (const CurbVendureCursor *cursor,
                                                  gint64                   updated_ms,
                                                  const char              *id,
                                                  const char              *fingerprint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbVendureCursor, curb_vendure_cursor_free)

G_END_DECLS
