#include <glib/gi18n.h>

#include "curb-kiosk-preview.h"

struct _CurbKioskPreview
{
  GtkWidget   parent_instance;

  GdkTexture *texture;
};

G_DEFINE_FINAL_TYPE (CurbKioskPreview, curb_kiosk_preview, GTK_TYPE_WIDGET)

static void
snapshot_frame (CurbKioskPreview *self,
                GtkSnapshot      *snapshot,
                float             width,
                float             height)
{
  float tw = gdk_texture_get_width (self->texture);
  float th = gdk_texture_get_height (self->texture);
  float scale = MAX (width / tw, height / th);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width / 2, height / 2));
  gtk_snapshot_scale (snapshot, -scale, scale);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-tw / 2, -th / 2));
  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, tw, th);
  gtk_snapshot_restore (snapshot);
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
  gtk_snapshot_append_color (snapshot, &dark, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->texture != NULL)
    snapshot_frame (self, snapshot, width, height);
  snapshot_guide (snapshot, width, height);
  gtk_snapshot_pop (snapshot);
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
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480;
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
  widget_class->measure = curb_kiosk_preview_measure;
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
