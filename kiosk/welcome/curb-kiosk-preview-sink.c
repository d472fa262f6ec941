#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "curb-kiosk-preview.h"
#include "curb-kiosk-preview-sink.h"

struct _CurbKioskPreviewSink
{
  GObject             parent_instance;

  GstElement         *bin;
  GstElement         *filter;
  int                 width;
  int                 height;
  CurbKioskFrameFunc  func;
  gpointer            user_data;
  GMainContext       *context;
  GMutex              lock;
  GstSample          *slot;
  gboolean            pending;
  gint                paused;     /* atomic: drop frames before any work */
  guint64             frames;
};

G_DEFINE_FINAL_TYPE (CurbKioskPreviewSink, curb_kiosk_preview_sink, G_TYPE_OBJECT)

typedef struct
{
  GstBuffer  *buffer;
  GstMapInfo  map;
} Mapped;

static void
mapped_free (gpointer data)
{
  Mapped *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

static const cairo_user_data_key_t pixels_key;

/* The same pixels for the cairo renderer, which composites this directly
 * (a GdkTexture would be converted pixel by pixel through floats first). */
static void
attach_surface (GdkTexture         *texture,
                GBytes             *bytes,
                const GstVideoInfo *info)
{
  cairo_surface_t *surface;

  surface = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (bytes, NULL),
                                                 CAIRO_FORMAT_RGB24, info->width, info->height,
                                                 info->stride[0]);
  cairo_surface_set_user_data (surface, &pixels_key, g_bytes_ref (bytes),
                               (cairo_destroy_func_t) g_bytes_unref);
  curb_kiosk_preview_frame_set_surface (texture, surface);
  cairo_surface_destroy (surface);
}

static GdkTexture *
texture_from_sample (GstSample *sample)
{
  GstVideoInfo info;
  Mapped *mapped = g_new0 (Mapped, 1);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    return (g_free (mapped), NULL);
  mapped->buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  if (!gst_buffer_map (mapped->buffer, &mapped->map, GST_MAP_READ))
    {
      gst_buffer_unref (mapped->buffer);
      g_free (mapped);
      return NULL;
    }
  bytes = g_bytes_new_with_free_func (mapped->map.data, mapped->map.size, mapped_free, mapped);
  /* camera frames are opaque: premultiplied BGRA is the renderer's own format */
  texture = gdk_memory_texture_new (info.width, info.height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                    bytes, info.stride[0]);
  attach_surface (texture, bytes, &info);
  return texture;
}

static gboolean
on_frame_ready (gpointer data)
{
  CurbKioskPreviewSink *self = data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->slot);
  self->pending = FALSE;
  g_mutex_unlock (&self->lock);
  if (sample != NULL && self->func != NULL && (texture = texture_from_sample (sample)) != NULL)
    {
      self->frames++;
      self->func (texture, self->user_data);
    }
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    data)
{
  CurbKioskPreviewSink *self = data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean post;

  if (sample == NULL)
    return GST_FLOW_OK;
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->slot, gst_sample_unref);
  self->slot = sample;
  post = !self->pending;
  self->pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (post)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, on_frame_ready,
                                g_object_ref (self), g_object_unref);
  return GST_FLOW_OK;
}

static GstCaps *
frame_caps (int width,
            int height)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRA",
                              "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
}

static GstPadProbeReturn
on_buffer (GstPad          *pad,
           GstPadProbeInfo *info,
           gpointer         data)
{
  CurbKioskPreviewSink *self = data;

  return g_atomic_int_get (&self->paused) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* Links without a caps check: caps are agreed when the first frame comes,
 * in GStreamer's thread; a check here would only repeat that work on the
 * UI thread at start-up. */
static void
link_unchecked (GstElement *src,
                GstElement *sink)
{
  gst_element_link_pads_full (src, "src", sink, "sink", GST_PAD_LINK_CHECK_NOTHING);
}

/* Scaled in the camera's planar format (fewer bytes), converted to BGRA by
 * videoconvert's direct path. (videoconvertscale does both in one element
 * but through its generic path: measured a third dearer here.) */
static GstElement *
add_converter (GstBin     *bin,
               GstElement *upstream)
{
  GstElement *scale = gst_element_factory_make ("videoscale", NULL);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);

  g_object_set (scale, "method", 1 /* bilinear */, "add-borders", FALSE, NULL);
  gst_bin_add_many (bin, scale, convert, NULL);
  link_unchecked (upstream, scale);
  link_unchecked (scale, convert);
  return convert;
}

/* Thin first, then scale and convert at the size shown. The widget mirrors
 * the picture as it draws it (a copy it makes anyway): a videoflip pass here
 * cost a quarter of this branch. */
static GstElement *
make_bin (CurbKioskPreviewSink *self,
          int                   fps)
{
  GstElement *bin = gst_bin_new ("curb-kiosk-preview");
  GstElement *rate = gst_element_factory_make ("videorate", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", NULL);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };
  g_autoptr(GstCaps) caps = frame_caps (self->width, self->height);
  g_autoptr(GstPad) pad = NULL;

  self->filter = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (rate, "drop-only", TRUE, "max-rate", fps, NULL);
  g_object_set (self->filter, "caps", caps, NULL);
  gst_util_set_object_arg (G_OBJECT (self->filter), "caps-change-mode", "delayed");
  g_object_set (sink, "max-buffers", 1, "drop", TRUE, "sync", FALSE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  gst_bin_add_many (GST_BIN (bin), rate, self->filter, sink, NULL);
  link_unchecked (add_converter (GST_BIN (bin), rate), self->filter);
  link_unchecked (self->filter, sink);
  pad = gst_element_get_static_pad (rate, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, self, NULL);
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  return bin;
}

static void
curb_kiosk_preview_sink_finalize (GObject *object)
{
  CurbKioskPreviewSink *self = CURB_KIOSK_PREVIEW_SINK (object);

  gst_clear_object (&self->bin);
  g_clear_pointer (&self->slot, gst_sample_unref);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (curb_kiosk_preview_sink_parent_class)->finalize (object);
}

static void
curb_kiosk_preview_sink_class_init (CurbKioskPreviewSinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_preview_sink_finalize;
}

static void
curb_kiosk_preview_sink_init (CurbKioskPreviewSink *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
}

CurbKioskPreviewSink *
curb_kiosk_preview_sink_new (int                width,
                             int                height,
                             int                fps,
                             CurbKioskFrameFunc func,
                             gpointer           user_data)
{
  CurbKioskPreviewSink *self;

  g_return_val_if_fail (width > 0 && height > 0 && fps > 0, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (CURB_TYPE_KIOSK_PREVIEW_SINK, NULL);
  self->func = func;
  self->user_data = user_data;
  self->width = width;
  self->height = height;
  self->bin = gst_object_ref_sink (make_bin (self, fps));
  return self;
}

GstElement *
curb_kiosk_preview_sink_get_element (CurbKioskPreviewSink *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_PREVIEW_SINK (self), NULL);
  return self->bin;
}

guint64
curb_kiosk_preview_sink_get_frames (CurbKioskPreviewSink *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_PREVIEW_SINK (self), 0);
  return self->frames;
}

void
curb_kiosk_preview_sink_detach (CurbKioskPreviewSink *self)
{
  g_return_if_fail (CURB_IS_KIOSK_PREVIEW_SINK (self));
  self->func = NULL;
}

/**
 * curb_kiosk_preview_sink_set_size:
 *
 * Frames from now on come at this size (the widget's, in device pixels), so
 * the renderer only copies them.
 */
void
curb_kiosk_preview_sink_set_size (CurbKioskPreviewSink *self,
                                  int                   width,
                                  int                   height)
{
  g_autoptr(GstCaps) caps = NULL;

  g_return_if_fail (CURB_IS_KIOSK_PREVIEW_SINK (self));
  g_return_if_fail (width > 0 && height > 0);

  if (width == self->width && height == self->height)
    return;
  self->width = width;
  self->height = height;
  caps = frame_caps (width, height);
  g_object_set (self->filter, "caps", caps, NULL);
}

/**
 * curb_kiosk_preview_sink_set_active:
 *
 * While no preview is on screen, frames are dropped before they are
 * scaled or converted.
 */
void
curb_kiosk_preview_sink_set_active (CurbKioskPreviewSink *self,
                                    gboolean              active)
{
  g_return_if_fail (CURB_IS_KIOSK_PREVIEW_SINK (self));
  g_atomic_int_set (&self->paused, !active);
}
