#include <gst/app/gstappsrc.h>
#include <gtk/gtk.h>

#include "curb-kiosk-preview.h"
#include "curb-kiosk-preview-sink.h"

/* The camera preview: frames scaled and converted in GStreamer at the size
 * asked for, in the camera's own orientation, and shown mirrored on screen
 * (shoppers move their phone the way they see it move). */

#define CAMERA_WIDTH  1280
#define CAMERA_HEIGHT 720
#define DARK          30
#define BRIGHT        220

typedef struct
{
  GstElement *pipeline;
  GstElement *source;
  GdkTexture *frame;
  guint       frames;
} Fixture;

static void
on_frame (GdkTexture *frame,
          gpointer    data)
{
  Fixture *fx = data;

  g_set_object (&fx->frame, frame);
  fx->frames++;
}

/* I420, dark on the camera's left, bright on its right */
static GstBuffer *
half_and_half_frame (guint64 index)
{
  const gsize luma = CAMERA_WIDTH * CAMERA_HEIGHT;
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, luma * 3 / 2, NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (int y = 0; y < CAMERA_HEIGHT; y++)
    {
      memset (map.data + y * CAMERA_WIDTH, DARK, CAMERA_WIDTH / 2);
      memset (map.data + y * CAMERA_WIDTH + CAMERA_WIDTH / 2, BRIGHT, CAMERA_WIDTH / 2);
    }
  memset (map.data + luma, 128, luma / 2);
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = index * GST_SECOND / 30;
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 30;
  return buffer;
}

static void
fixture_set_up (Fixture              *fx,
                CurbKioskPreviewSink *sink)
{
  g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "I420",
                                                 "width", G_TYPE_INT, CAMERA_WIDTH,
                                                 "height", G_TYPE_INT, CAMERA_HEIGHT,
                                                 "framerate", GST_TYPE_FRACTION, 30, 1, NULL);

  fx->pipeline = gst_pipeline_new (NULL);
  fx->source = gst_element_factory_make ("appsrc", NULL);
  g_object_set (fx->source, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_bin_add_many (GST_BIN (fx->pipeline), fx->source, curb_kiosk_preview_sink_get_element (sink), NULL);
  g_assert_true (gst_element_link (fx->source, curb_kiosk_preview_sink_get_element (sink)));
  g_assert_cmpint (gst_element_set_state (fx->pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
}

static void
fixture_tear_down (Fixture *fx)
{
  gst_element_set_state (fx->pipeline, GST_STATE_NULL);
  gst_clear_object (&fx->pipeline);
  g_clear_object (&fx->frame);
}

/* Pushes frames until one more has reached the callback. */
static void
push_until_frame (Fixture *fx,
                  guint64 *index)
{
  guint before = fx->frames;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fx->frames == before)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (fx->source), half_and_half_frame ((*index)++)),
                       ==, GST_FLOW_OK);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

static guchar *
download (GdkTexture *texture,
          gsize      *stride)
{
  guchar *pixels;

  *stride = gdk_texture_get_width (texture) * 4;
  pixels = g_malloc (*stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}

/* Red channel of an opaque BGRA (cairo ARGB32) pixel */
static int
red_at (const guchar *pixels,
        gsize         stride,
        int           x,
        int           y)
{
  return pixels[y * stride + x * 4 + 2];
}

static void
assert_camera_orientation (GdkTexture *frame)
{
  gsize stride;
  g_autofree guchar *pixels = download (frame, &stride);
  int w = gdk_texture_get_width (frame), h = gdk_texture_get_height (frame);

  g_assert_cmpint (red_at (pixels, stride, w / 8, h / 2), <, 80);
  g_assert_cmpint (red_at (pixels, stride, w - w / 8, h / 2), >, 170);
}

static void
test_frames_at_the_asked_size (void)
{
  g_autoptr(CurbKioskPreviewSink) sink = NULL;
  Fixture fx = { 0 };
  guint64 index = 0;
  guint frames;

  sink = curb_kiosk_preview_sink_new (320, 180, 15, on_frame, &fx);
  fixture_set_up (&fx, sink);
  push_until_frame (&fx, &index);
  g_assert_cmpint (gdk_texture_get_width (fx.frame), ==, 320);
  g_assert_cmpint (gdk_texture_get_height (fx.frame), ==, 180);
  g_assert_nonnull (curb_kiosk_preview_frame_get_surface (fx.frame));
  assert_camera_orientation (fx.frame);

  curb_kiosk_preview_sink_set_size (sink, 160, 90);
  while (gdk_texture_get_width (fx.frame) != 160)
    push_until_frame (&fx, &index);
  g_assert_cmpint (gdk_texture_get_height (fx.frame), ==, 90);
  assert_camera_orientation (fx.frame);

  /* thinned to 15 of 30 frames a second */
  frames = fx.frames;
  for (int i = 0; i < 30; i++)
    {
      gst_app_src_push_buffer (GST_APP_SRC (fx.source), half_and_half_frame (index++));
      g_usleep (2000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_usleep (100000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fx.frames - frames, <=, 16);

  /* paused: nothing reaches the UI */
  curb_kiosk_preview_sink_set_active (sink, FALSE);
  frames = fx.frames;
  for (int i = 0; i < 10; i++)
    gst_app_src_push_buffer (GST_APP_SRC (fx.source), half_and_half_frame (index++));
  g_usleep (200000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fx.frames, ==, frames);
  fixture_tear_down (&fx);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  (*(int *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Three frames drawn: the window has its size and shows the last texture. */
static void
settle (GtkWidget *window)
{
  int frames = 0;
  guint tick = gtk_widget_add_tick_callback (window, on_tick, &frames, NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  gtk_widget_remove_tick_callback (window, tick);
}

static GdkTexture *
render (GtkWidget *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, w, h));
}

/* What the camera sees on its left, the shopper sees on the right. */
static void
assert_mirrored_on_screen (GtkWidget  *window,
                           GdkTexture *frame)
{
  CurbKioskPreview *preview = CURB_KIOSK_PREVIEW (gtk_window_get_child (GTK_WINDOW (window)));
  g_autoptr(GdkTexture) shown = NULL;
  g_autofree guchar *pixels = NULL;
  gsize stride;
  int w, h;

  curb_kiosk_preview_set_texture (preview, frame);
  settle (window);
  shown = render (window);
  pixels = download (shown, &stride);
  w = gdk_texture_get_width (shown);
  h = gdk_texture_get_height (shown);
  g_assert_cmpint (red_at (pixels, stride, w / 10, h / 2), >, 170);
  g_assert_cmpint (red_at (pixels, stride, w - w / 10, h / 2), <, 80);
}

/* Whether @node draws a colour over all of @width × @height. */
static gboolean
has_fill (GskRenderNode *node,
          float          width,
          float          height)
{
  graphene_rect_t bounds;

  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_COLOR_NODE:
      gsk_render_node_get_bounds (node, &bounds);
      return bounds.size.width >= width && bounds.size.height >= height;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        if (has_fill (gsk_container_node_get_child (node, i), width, height))
          return TRUE;
      return FALSE;
    case GSK_ROUNDED_CLIP_NODE:
      return has_fill (gsk_rounded_clip_node_get_child (node), width, height);
    case GSK_CLIP_NODE:
      return has_fill (gsk_clip_node_get_child (node), width, height);
    case GSK_TRANSFORM_NODE:
      return has_fill (gsk_transform_node_get_child (node), width, height);
    default:
      return FALSE;
    }
}

/* The preview paints its dark background only where no frame covers it. */
static gboolean
preview_paints_background (GtkWidget *preview)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (preview);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (preview), h = gtk_widget_get_height (preview);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return has_fill (node, w, h);
}

static void
test_mirrored_on_screen (void)
{
  g_autoptr(CurbKioskPreviewSink) sink = NULL;
  Fixture fx = { 0 };
  guint64 index = 0;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *preview = curb_kiosk_preview_new ();
  g_autoptr(GdkTexture) plain = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize stride;
  guchar *pixels;
  int w, h;

  gtk_window_set_child (GTK_WINDOW (window), preview);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 226);   /* even: a frame covers it */
  gtk_window_present (GTK_WINDOW (window));
  settle (window);
  g_assert_true (curb_kiosk_preview_get_frame_size (CURB_KIOSK_PREVIEW (preview), &w, &h));
  g_assert_true (preview_paints_background (preview));

  /* as the app shows them: from the sink, at the widget's size; the frame
   * covers the widget, so nothing is drawn under it */
  sink = curb_kiosk_preview_sink_new (w, h, 15, on_frame, &fx);
  fixture_set_up (&fx, sink);
  push_until_frame (&fx, &index);
  g_assert_cmpint (gdk_texture_get_width (fx.frame), ==, w);
  assert_mirrored_on_screen (window, fx.frame);
  g_assert_false (preview_paints_background (preview));

  /* a texture without a cairo surface (GL renderers, other sources) */
  pixels = download (fx.frame, &stride);
  bytes = g_bytes_new_take (pixels, stride * h);
  plain = gdk_memory_texture_new (w, h, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, stride);
  assert_mirrored_on_screen (window, plain);

  fixture_tear_down (&fx);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/kiosk/preview/frames-at-the-asked-size", test_frames_at_the_asked_size);
  g_test_add_func ("/kiosk/preview/mirrored-on-screen", test_mirrored_on_screen);
  return g_test_run ();
}
