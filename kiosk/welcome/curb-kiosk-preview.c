#include <glib/gi18n.h>

#include "curb-kiosk-preview.h"

struct _CurbKioskPreview
{
  GtkWidget   parent_instance;

  GdkTexture *texture;
  int         frame_width;
  int         frame_height;
};

G_DEFINE_FINAL_TYPE (CurbKioskPreview, curb_kiosk_preview, GTK_TYPE_WIDGET)

static GQuark
surface_quark (void)
{
  return g_quark_from_static_string ("curb-kiosk-preview-surface");
}

static gboolean
uses_cairo (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);

  return native != NULL && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native));
}

/* Where the frame goes, cropped to fill and centred: @x is its right edge
 * (it is drawn mirrored, from there leftwards). */
static void
frame_place (CurbKioskPreview *self,
             float             width,
             float             height,
             float            *scale,
             float            *x,
             float            *y)
{
  float tw = gdk_texture_get_width (self->texture);
  float th = gdk_texture_get_height (self->texture);
  gboolean sized = tw == self->frame_width && th == self->frame_height;

  *scale = sized ? 1.0f / gtk_widget_get_scale_factor (GTK_WIDGET (self))
                 : MAX (width / tw, height / th);
  *x = roundf ((width + tw * *scale) / 2);
  *y = roundf ((height - th * *scale) / 2);
}

/* Whether the frame hides the whole widget: then no background is drawn
 * under it (a fill as large as the frame, every frame). */
static gboolean
frame_covers (CurbKioskPreview *self,
              float             width,
              float             height)
{
  float scale, x, y;

  frame_place (self, width, height, &scale, &x, &y);
  return x >= width && x - gdk_texture_get_width (self->texture) * scale <= 0
         && y <= 0 && y + gdk_texture_get_height (self->texture) * scale >= height;
}

/* Cropped to fill, centred, mirrored (shoppers move their phone the way
 * they see it move). With the cairo renderer and a frame already at the
 * widget's size this is a copy of the camera's pixels, read backwards. */
static void
snapshot_frame (CurbKioskPreview *self,
                GtkSnapshot      *snapshot,
                float             width,
                float             height)
{
  float tw = gdk_texture_get_width (self->texture);
  float th = gdk_texture_get_height (self->texture);
  gboolean sized = tw == self->frame_width && th == self->frame_height;
  cairo_surface_t *surface = curb_kiosk_preview_frame_get_surface (self->texture);
  float scale, x, y;
  cairo_t *cr;

  frame_place (self, width, height, &scale, &x, &y);
  if (surface == NULL || !uses_cairo (GTK_WIDGET (self)))
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_scale (snapshot, -1, 1);
      gtk_snapshot_append_texture (snapshot, self->texture, &GRAPHENE_RECT_INIT (0, 0, tw * scale, th * scale));
      gtk_snapshot_restore (snapshot);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, x, y);
  cairo_scale (cr, -scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  /* a frame of another size only shows until the sink follows the widget's
   * (the first frame, a resize): not worth a filtered scale */
  if (!sized)
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
snapshot_corner (GtkSnapshot   *snapshot,
                 float          x,
                 float          y,
                 float          dx,
                 float          dy,
                 float          arm,
                 const GdkRGBA *color)
{
  const float thick = 10;
  graphene_rect_t h = GRAPHENE_RECT_INIT (dx > 0 ? x : x - arm, dy > 0 ? y : y - thick, arm, thick);
  graphene_rect_t v = GRAPHENE_RECT_INIT (dx > 0 ? x : x - thick, dy > 0 ? y : y - arm, thick, arm);

  gtk_snapshot_append_color (snapshot, color, &h);
  gtk_snapshot_append_color (snapshot, color, &v);
}

static void
snapshot_guide (GtkSnapshot *snapshot,
                float        width,
                float        height)
{
  const GdkRGBA color = { 1.0f, 0.84f, 0.0f, 1.0f };
  float side = MIN (width, height) * 0.62f;
  float x0 = (width - side) / 2, y0 = (height - side) / 2;
  float x1 = x0 + side, y1 = y0 + side, arm = side * 0.22f;

  snapshot_corner (snapshot, x0, y0, 1, 1, arm, &color);
  snapshot_corner (snapshot, x1, y0, -1, 1, arm, &color);
  snapshot_corner (snapshot, x0, y1, 1, -1, arm, &color);
  snapshot_corner (snapshot, x1, y1, -1, -1, arm, &color);
}

static void
curb_kiosk_preview_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  CurbKioskPreview *self = CURB_KIOSK_PREVIEW (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  const GdkRGBA dark = { 0.09f, 0.11f, 0.13f, 1.0f };
  GskRoundedRect clip;

  gsk_rounded_rect_init_from_rect (&clip, &GRAPHENE_RECT_INIT (0, 0, width, height), 24);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  if (self->texture == NULL || !frame_covers (self, width, height))
    gtk_snapshot_append_color (snapshot, &dark, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->texture != NULL)
    snapshot_frame (self, snapshot, width, height);
  snapshot_guide (snapshot, width, height);
  gtk_snapshot_pop (snapshot);
}

static void
curb_kiosk_preview_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  CurbKioskPreview *self = CURB_KIOSK_PREVIEW (widget);
  int factor = gtk_widget_get_scale_factor (widget);
  int w = width * factor, h = height * factor;

  /* the camera's 16:9, covering the widget */
  self->frame_width = MAX (w, (h * 16 + 8) / 9) & ~1;
  self->frame_height = MAX (h, (w * 9 + 15) / 16) & ~1;
}

/* The camera's picture whole, 16:9, as wide as the page allows. */
static GtkSizeRequestMode
curb_kiosk_preview_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
curb_kiosk_preview_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 640;
      return;
    }
  /* like GtkPicture: a natural height for the width, a small minimum */
  *minimum = 180;
  *natural = MAX (*minimum, for_size > 0 ? for_size * 9 / 16 : 360);
}

static void
curb_kiosk_preview_dispose (GObject *object)
{
  CurbKioskPreview *self = CURB_KIOSK_PREVIEW (object);

  g_clear_object (&self->texture);
  G_OBJECT_CLASS (curb_kiosk_preview_parent_class)->dispose (object);
}

static void
curb_kiosk_preview_class_init (CurbKioskPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = curb_kiosk_preview_dispose;
  widget_class->snapshot = curb_kiosk_preview_snapshot;
  widget_class->get_request_mode = curb_kiosk_preview_get_request_mode;
  widget_class->measure = curb_kiosk_preview_measure;
  widget_class->size_allocate = curb_kiosk_preview_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "preview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
curb_kiosk_preview_init (CurbKioskPreview *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Camera view. Hold your pickup code inside the yellow corners."),
                                  -1);
}

GtkWidget *
curb_kiosk_preview_new (void)
{
  return g_object_new (CURB_TYPE_KIOSK_PREVIEW, NULL);
}

void
curb_kiosk_preview_set_texture (CurbKioskPreview *self,
                                GdkTexture       *texture)
{
  g_return_if_fail (CURB_IS_KIOSK_PREVIEW (self));

  if (!g_set_object (&self->texture, texture))
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GdkTexture *
curb_kiosk_preview_get_texture (CurbKioskPreview *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_PREVIEW (self), NULL);
  return self->texture;
}

/**
 * curb_kiosk_preview_get_frame_size:
 *
 * The frame size (device pixels) that fills the widget without scaling.
 *
 * Returns: %FALSE before the widget has a size
 */
gboolean
curb_kiosk_preview_get_frame_size (CurbKioskPreview *self,
                                   int              *width,
                                   int              *height)
{
  g_return_val_if_fail (CURB_IS_KIOSK_PREVIEW (self), FALSE);

  *width = self->frame_width;
  *height = self->frame_height;
  return self->frame_width > 0 && self->frame_height > 0;
}

/**
 * curb_kiosk_preview_frame_set_surface:
 * @surface: the pixels of @frame as a cairo image surface (RGB24)
 *
 * Lets the cairo renderer draw @frame straight from its pixels.
 */
void
curb_kiosk_preview_frame_set_surface (GdkTexture      *frame,
                                      cairo_surface_t *surface)
{
  g_return_if_fail (GDK_IS_TEXTURE (frame));

  g_object_set_qdata_full (G_OBJECT (frame), surface_quark (), cairo_surface_reference (surface),
                           (GDestroyNotify) cairo_surface_destroy);
}

cairo_surface_t *
curb_kiosk_preview_frame_get_surface (GdkTexture *frame)
{
  g_return_val_if_fail (GDK_IS_TEXTURE (frame), NULL);

  return g_object_get_qdata (G_OBJECT (frame), surface_quark ());
}
