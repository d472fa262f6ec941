#include <string.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "curb-hardware.h"
#include "curb-scanner-image.h"

struct _CurbScannerImage
{
  GObject        parent_instance;

  GstSample     *sample;
  GstVideoFrame  frame;
  GBytes        *pixels;
  CurbGrayImage  gray;
};

G_DEFINE_FINAL_TYPE (CurbScannerImage, curb_scanner_image, G_TYPE_OBJECT)

static const char gray_caps[] = "video/x-raw,format=(string){GRAY8,I420,YV12,NV12,NV21,Y42B,Y444}";

static gboolean
parse_pgm_header (const guint8 *data,
                  gsize         size,
                  int           values[3],
                  gsize        *offset)
{
  gsize i = 2;

  if (size < 2 || data[0] != 'P' || data[1] != '5')
    return FALSE;
  for (int v = 0; v < 3; v++)
    {
      gint64 value = 0;

      while (i < size && (g_ascii_isspace (data[i]) || data[i] == '#'))
        if (data[i++] == '#')
          while (i < size && data[i] != '\n')
            i++;
      if (i >= size || !g_ascii_isdigit (data[i]))
        return FALSE;
      while (i < size && g_ascii_isdigit (data[i]) && value < G_MAXINT)
        value = value * 10 + (data[i++] - '0');
      values[v] = (int) MIN (value, G_MAXINT);
    }
  *offset = i + 1;
  return i < size && g_ascii_isspace (data[i]);
}

static CurbScannerImage *
load_pgm (const char  *path,
          GBytes      *contents,
          GError     **error)
{
  gsize size, offset;
  const guint8 *data = g_bytes_get_data (contents, &size);
  g_autoptr(GBytes) pixels = NULL;
  int v[3];

  if (!parse_pgm_header (data, size, v, &offset) || v[2] != 255
      || v[0] <= 0 || v[1] <= 0 || v[0] > CURB_SCANNER_IMAGE_MAX_SIDE
      || v[1] > CURB_SCANNER_IMAGE_MAX_SIDE || size - offset < (gsize) v[0] * v[1])
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                   "%s: not an 8-bit PGM image it can read", path);
      return NULL;
    }
  pixels = g_bytes_new_from_bytes (contents, offset, (gsize) v[0] * v[1]);
  return curb_scanner_image_new_gray (pixels, v[0], v[1], v[0]);
}

static void
on_pad_added (GstElement *decodebin,
              GstPad     *pad,
              gpointer    user_data)
{
  GstElement *convert = user_data;
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (convert, "sink");

  if (!gst_pad_is_linked (sinkpad))
    gst_pad_link (pad, sinkpad);
}

static GstElement *
decode_pipeline (const char  *path,
                 GError     **error)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *decodebin = gst_element_factory_make ("decodebin", NULL);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *sink = gst_element_factory_make ("appsink", "sink");
  g_autoptr(GstCaps) caps = gst_caps_from_string (gray_caps);

  if (!src || !decodebin || !convert || !sink)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                   "GStreamer's base plugins are missing");
      gst_object_unref (pipeline);
      return NULL;
    }
  g_object_set (src, "location", path, NULL);
  g_object_set (sink, "caps", caps, "sync", FALSE, "max-buffers", 2, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, decodebin, convert, sink, NULL);
  gst_element_link (src, decodebin);
  gst_element_link (convert, sink);
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (on_pad_added), convert, 0);
  return pipeline;
}

static gboolean
pipeline_error (GstElement  *pipeline,
                const char  *path,
                GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) gst_error = NULL;

  if (message == NULL)
    return FALSE;
  gst_message_parse_error (message, &gst_error, NULL);
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
               "%s: %s", path, gst_error->message);
  return TRUE;
}

static gboolean
pull_frames (GstElement            *pipeline,
             GstElement            *sink,
             const char            *path,
             CurbScannerFrameFunc   func,
             gpointer               user_data,
             GError               **error)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n = 0;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 50 * GST_MSECOND);
      g_autoptr(CurbScannerImage) image = NULL;

      if (sample == NULL && gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
      if (sample == NULL && pipeline_error (pipeline, path, error))
        return FALSE;
      if (sample == NULL)
        continue;
      if ((image = curb_scanner_image_new_from_sample (sample, error)) == NULL)
        return FALSE;
      if (!func (image, n++, user_data))
        return TRUE;
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    }
  if (n == 0)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                   "%s: no picture in this file", path);
      return FALSE;
    }
  return TRUE;
}

static void
curb_scanner_image_finalize (GObject *object)
{
  CurbScannerImage *self = CURB_SCANNER_IMAGE (object);

  if (self->sample)
    gst_video_frame_unmap (&self->frame);
  g_clear_pointer (&self->sample, gst_sample_unref);
  g_clear_pointer (&self->pixels, g_bytes_unref);
  G_OBJECT_CLASS (curb_scanner_image_parent_class)->finalize (object);
}

static void
curb_scanner_image_class_init (CurbScannerImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_scanner_image_finalize;
}

static void
curb_scanner_image_init (CurbScannerImage *self)
{
}

/**
 * curb_scanner_image_new_gray:
 * @pixels: @height rows of @stride bytes, 8-bit luminance
 */
CurbScannerImage *
curb_scanner_image_new_gray (GBytes *pixels,
                             int     width,
                             int     height,
                             int     stride)
{
  CurbScannerImage *self;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width, NULL);
  g_return_val_if_fail (g_bytes_get_size (pixels) >= (gsize) stride * (height - 1) + width, NULL);

  self = g_object_new (CURB_TYPE_SCANNER_IMAGE, NULL);
  self->pixels = g_bytes_ref (pixels);
  self->gray = (CurbGrayImage) { g_bytes_get_data (pixels, NULL), width, height, stride };
  return self;
}

/**
 * curb_scanner_image_new_from_sample:
 * @sample: a raw video sample in GRAY8 or a YUV format; its luminance plane
 *   is used in place, without copying
 */
CurbScannerImage *
curb_scanner_image_new_from_sample (GstSample  *sample,
                                    GError    **error)
{
  g_autoptr(CurbScannerImage) self = g_object_new (CURB_TYPE_SCANNER_IMAGE, NULL);
  GstVideoInfo info;

  g_return_val_if_fail (GST_IS_SAMPLE (sample), NULL);

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || (!GST_VIDEO_FORMAT_INFO_IS_YUV (info.finfo) && !GST_VIDEO_FORMAT_INFO_IS_GRAY (info.finfo))
      || GST_VIDEO_INFO_COMP_DEPTH (&info, 0) != 8
      || info.width > CURB_SCANNER_IMAGE_MAX_SIDE || info.height > CURB_SCANNER_IMAGE_MAX_SIDE
      || !gst_video_frame_map (&self->frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FORMAT_CHANGED,
                   "Unusable video frame format");
      return NULL;
    }
  self->sample = gst_sample_ref (sample);
  self->gray = (CurbGrayImage) {
    GST_VIDEO_FRAME_COMP_DATA (&self->frame, 0),
    GST_VIDEO_FRAME_COMP_WIDTH (&self->frame, 0),
    GST_VIDEO_FRAME_COMP_HEIGHT (&self->frame, 0),
    GST_VIDEO_FRAME_COMP_STRIDE (&self->frame, 0),
  };
  if (GST_VIDEO_FRAME_COMP_PSTRIDE (&self->frame, 0) != 1)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FORMAT_CHANGED,
                   "Packed luminance is not supported");
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
curb_scanner_image_get_gray (CurbScannerImage *self,
                             CurbGrayImage    *gray)
{
  g_return_if_fail (CURB_IS_SCANNER_IMAGE (self));

  *gray = self->gray;
}

/**
 * curb_scanner_image_foreach_frame:
 * @path: an image (PGM, PNG, JPEG, …) or a video file
 * @func: called on each decoded frame, in order
 *
 * Decodes @path with GStreamer (PGM files directly) and hands each frame's
 * luminance to @func. Returns %FALSE with @error set when the file cannot be
 * read or decoded.
 */
gboolean
curb_scanner_image_foreach_frame (const char            *path,
                                  CurbScannerFrameFunc   func,
                                  gpointer               user_data,
                                  GError               **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  GstElement *sink;
  gboolean ok;

  if (mapped == NULL)
    return FALSE;
  head = g_mapped_file_get_bytes (mapped);
  if (g_bytes_get_size (head) >= 2 && memcmp (g_bytes_get_data (head, NULL), "P5", 2) == 0)
    {
      g_autoptr(CurbScannerImage) image = load_pgm (path, head, error);

      return image != NULL && (func (image, 0, user_data), TRUE);
    }
  if ((pipeline = decode_pipeline (path, error)) == NULL)
    return FALSE;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  ok = pull_frames (pipeline, sink, path, func, user_data, error);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  return ok;
}

static gboolean
on_first_frame (CurbScannerImage *image,
                guint             frame,
                gpointer          user_data)
{
  *(CurbScannerImage **) user_data = g_object_ref (image);
  return FALSE;
}

/**
 * curb_scanner_image_load:
 * @path: a PGM, PNG or JPEG file (anything GStreamer decodes; the first
 *   frame of a video)
 */
CurbScannerImage *
curb_scanner_image_load (const char  *path,
                         GError     **error)
{
  CurbScannerImage *image = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!curb_scanner_image_foreach_frame (path, on_first_frame, &image, error))
    g_clear_object (&image);
  return image;
}
