#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "curb-camera-scanner.h"
#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-scanner-gate.h"
#include "curb-scanner-image.h"

#define FROZEN_US      (2 * G_USEC_PER_SEC)
#define RETRY_MS       1000
#define WATCHDOG_MS    250
#define REARM_MS       1500
#define IDLE_US        (400 * G_TIME_SPAN_MILLISECOND)
#define SLOW_EVERY     4

struct _CurbCameraScanner
{
  CurbCodeSource    parent_instance;

  char             *description;
  GstElement       *pipeline;
  GstElement       *preview_sink;
  CurbPreviewFunc   preview_func;
  gpointer          preview_data;
  GDestroyNotify    preview_destroy;
  GMainContext     *context;
  GSource          *bus_source;
  GSource          *watchdog;
  GSource          *retry;
  gboolean          ever_had_frame;
  gint64            rearm_us;
  guint             preview_idle_fps;

  /* shared with the streaming threads and the decode thread */
  GMutex            lock;
  GCond             cond;
  GstSample        *slot;
  gint64            slot_time;
  gint64            slot_due;
  GstSample        *preview_slot;
  gboolean          preview_pending;
  gboolean          quit;
  gint64            last_frame_time;
  gboolean          had_frame;
  gint64            next_frame_us;
  gboolean          decode_primed;
  gboolean          paced;
  gboolean          decoding;
  gboolean          attentive;
  gboolean          attentive_pending;
  CurbCameraStats   stats;
  GThread          *thread;

  /* the preview branch's streaming thread only */
  gint64            next_preview_us;
  gboolean          preview_primed;

  /* decode thread only */
  CurbQrDecoder    *decoder;
  CurbScannerGate  *gate;
  GHashTable       *seen;
  GstCaps          *last_caps;
  gint64            last_sharpness;
};

static void curb_camera_scanner_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CurbCameraScanner, curb_camera_scanner, CURB_TYPE_CODE_SOURCE,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      curb_camera_scanner_initable_iface_init))

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_REARM_TIME,
  PROP_ATTENTIVE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static const char gray_caps[] = "video/x-raw,format=(string){I420,YV12,NV12,NV21,GRAY8}";
static const char preview_caps[] = "video/x-raw,format=BGRA";

static void schedule_retry (CurbCameraScanner *self);

/* --- the decode thread --------------------------------------------------- */

static gboolean
seen_recently (CurbCameraScanner *self,
               GBytes            *payload,
               gint64             now)
{
  gpointer last;
  gboolean recent = g_hash_table_lookup_extended (self->seen, payload, NULL, &last)
                    && now - *(gint64 *) last < self->rearm_us;
  gint64 *stamp = g_new (gint64, 1);

  *stamp = now;
  g_hash_table_replace (self->seen, g_bytes_ref (payload), stamp);
  return recent;
}

static gboolean
is_stale (gpointer key,
          gpointer value,
          gpointer user_data)
{
  return ((gint64 *) user_data)[0] - *(gint64 *) value >= ((gint64 *) user_data)[1];
}

/**
 * curb_camera_scanner_live_passes:
 * @decoded: how many frames were decoded before this one
 *
 * zxing-cpp (plain and inverted) on every frame; when that reads nothing,
 * one of the slower passes on every fourth frame, in turn, so no frame
 * waits long for the one before it.
 */
CurbQrPasses
curb_camera_scanner_live_passes (guint64 decoded)
{
  static const CurbQrPasses slow[] = {
    CURB_QR_PASS_NORMALIZE, CURB_QR_PASS_ZBAR, CURB_QR_PASS_UPSCALE, CURB_QR_PASS_ZBAR_INVERTED,
    CURB_QR_PASS_STRETCH,
  };

  if (decoded % SLOW_EVERY)
    return CURB_QR_PASSES_FAST;
  return CURB_QR_PASSES_FAST | slow[(decoded / SLOW_EVERY) % G_N_ELEMENTS (slow)];
}

static void
check_format (CurbCameraScanner *self,
              GstSample         *sample)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  gboolean changed = self->last_caps && !gst_caps_is_equal (self->last_caps, caps);

  gst_caps_replace (&self->last_caps, caps);
  if (changed)
    {
      g_autoptr(GError) error = g_error_new (CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FORMAT_CHANGED,
                                             "The camera changed its picture format");

      g_debug ("camera format changed: %" GST_PTR_FORMAT, caps);
      curb_code_source_report_error (CURB_CODE_SOURCE (self), error);
    }
}

static gboolean
on_attentive_changed (gpointer user_data)
{
  CurbCameraScanner *self = user_data;

  g_mutex_lock (&self->lock);
  self->attentive_pending = FALSE;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ATTENTIVE]);
  return G_SOURCE_REMOVE;
}

/* Tells the streaming threads what the gate wants next: frames it will not
 * look at are dropped before they cross to this thread, and the preview
 * runs at its full rate only while the gate is attentive. */
static void
publish_gate (CurbCameraScanner *self,
              gint64             now)
{
  gboolean attentive = curb_scanner_gate_is_attentive (self->gate, now);
  gboolean notify;

  g_mutex_lock (&self->lock);
  self->next_frame_us = curb_scanner_gate_next_frame (self->gate, now);
  notify = attentive != self->attentive && !self->attentive_pending;
  self->attentive = attentive;
  self->attentive_pending |= notify;
  g_mutex_unlock (&self->lock);
  if (notify)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, on_attentive_changed,
                                g_object_ref (self), g_object_unref);
}

static void
update_stats (CurbCameraScanner   *self,
              const CurbGrayImage *gray,
              gboolean             decoded,
              double               ms,
              guint                reads,
              gint64               now)
{
  double sharpness = -1;

  if (now - self->last_sharpness > 250 * G_TIME_SPAN_MILLISECOND)
    {
      sharpness = curb_qr_decoder_sharpness (gray);
      self->last_sharpness = now;
    }
  g_mutex_lock (&self->lock);
  self->stats.width = gray->width;
  self->stats.height = gray->height;
  self->stats.decoded += decoded;
  self->stats.reads += reads;
  if (decoded)
    self->stats.decode_ms = ms;
  if (sharpness >= 0)
    self->stats.sharpness = sharpness;
  g_mutex_unlock (&self->lock);
}

/* The gate's clock is the frames' due time (see frame_due_us()), the one
 * the streaming thread drops frames by. */
static void
decode_frame (CurbCameraScanner *self,
              GstSample         *sample,
              gint64             frame_time,
              gint64             due)
{
  g_autoptr(CurbScannerImage) image = curb_scanner_image_new_from_sample (sample, NULL);
  g_autoptr(GPtrArray) codes = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 stale[2] = { now, self->rearm_us };
  CurbGrayImage gray;
  guint reads = 0;

  check_format (self, sample);
  if (image == NULL)
    return;
  curb_scanner_image_get_gray (image, &gray);
  if (!curb_scanner_gate_should_decode (self->gate, &gray, due))
    {
      update_stats (self, &gray, FALSE, 0, 0, now);
      publish_gate (self, due);
      return;
    }
  codes = curb_qr_decoder_decode (self->decoder, &gray, curb_camera_scanner_live_passes (self->stats.decoded));
  for (guint i = 0; i < codes->len; i++)
    {
      curb_scanner_gate_code_seen (self->gate, due);
      if (seen_recently (self, codes->pdata[i], now))
        continue;
      curb_code_source_emit_code (CURB_CODE_SOURCE (self), codes->pdata[i], frame_time);
      reads++;
    }
  g_hash_table_foreach_remove (self->seen, is_stale, stale);
  update_stats (self, &gray, TRUE, (g_get_monotonic_time () - now) / 1000.0, reads, now);
  publish_gate (self, due);
}

static gpointer
decode_thread (gpointer data)
{
  CurbCameraScanner *self = data;

  g_mutex_lock (&self->lock);
  while (!self->quit)
    {
      g_autoptr(GstSample) sample = NULL;
      gint64 frame_time, due;

      if (self->slot == NULL)
        {
          g_cond_wait (&self->cond, &self->lock);
          continue;
        }
      sample = g_steal_pointer (&self->slot);
      frame_time = self->slot_time;
      due = self->slot_due;
      if (!self->decoding)
        continue;   /* the one frame that primed the decode sink */
      g_mutex_unlock (&self->lock);
      decode_frame (self, sample, frame_time, due);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* --- streaming-thread callbacks ------------------------------------------ */

/* When @buffer is due on the pipeline's clock, in µs (a file is decoded
 * ahead of time and played at its own pace; a live camera's frames are
 * due as they come), else @now. */
static gint64
due_us (GstElement       *element,
        const GstSegment *segment,
        GstBuffer        *buffer,
        gint64            now)
{
  GstClockTime running;

  if (element == NULL || segment == NULL || segment->format != GST_FORMAT_TIME
      || !GST_BUFFER_PTS_IS_VALID (buffer))
    return now;
  running = gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  if (!GST_CLOCK_TIME_IS_VALID (running))
    return now;
  return (gint64) ((gst_element_get_base_time (element) + running) / GST_USECOND);
}

static gint64
frame_due_us (GstPad    *pad,
              GstBuffer *buffer,
              gint64     now)
{
  g_autoptr(GstEvent) event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  g_autoptr(GstElement) element = gst_pad_get_parent_element (pad);
  const GstSegment *segment = NULL;

  if (event != NULL)
    gst_event_parse_segment (event, &segment);
  return due_us (element, segment, buffer, now);
}

/* appsink reuses its sample object and must find it unshared, so keep our
 * own sample of the same buffer and caps. */
static GstSample *
pull_own_sample (GstAppSink *sink)
{
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return NULL;
  return gst_sample_new (gst_sample_get_buffer (sample), gst_sample_get_caps (sample), NULL, NULL);
}

/* When the frame was captured, in monotonic µs: its timestamp on the
 * pipeline's clock where that is the monotonic system clock (v4l2src,
 * libcamerasrc, a timestamping appsrc), else its arrival. */
static gint64
capture_time (GstAppSink *sink,
              GstSample  *sample,
              gint64      now)
{
  g_autoptr(GstClock) clock = gst_element_get_clock (GST_ELEMENT (sink));
  GstClockTime pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
  GstClockType type = GST_CLOCK_TYPE_REALTIME;
  gint64 captured;

  if (!GST_IS_SYSTEM_CLOCK (clock) || !GST_CLOCK_TIME_IS_VALID (pts))
    return now;
  g_object_get (clock, "clock-type", &type, NULL);
  captured = (gint64) ((gst_element_get_base_time (GST_ELEMENT (sink)) + pts) / GST_USECOND);
  if (type != GST_CLOCK_TYPE_MONOTONIC || captured > now || now - captured > G_USEC_PER_SEC)
    return now;
  return captured;
}

static GstFlowReturn
on_decode_sample (GstAppSink *sink,
                  gpointer    user_data)
{
  CurbCameraScanner *self = user_data;
  g_autoptr(GstSample) pulled = gst_app_sink_pull_sample (sink);
  GstSample *sample;
  gint64 now = g_get_monotonic_time ();

  if (pulled == NULL)
    return GST_FLOW_OK;
  /* appsink reuses its sample object and must find it unshared */
  sample = gst_sample_new (gst_sample_get_buffer (pulled), gst_sample_get_caps (pulled), NULL, NULL);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->slot, gst_sample_unref);
  self->slot_time = capture_time (sink, sample, now);
  self->slot_due = due_us (GST_ELEMENT (sink), gst_sample_get_segment (pulled),
                           gst_sample_get_buffer (pulled), now);
  self->slot = sample;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  return GST_FLOW_OK;
}

typedef struct
{
  GstBuffer  *buffer;
  GstMapInfo  map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer data)
{
  MappedBuffer *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

static void
deliver_preview (CurbCameraScanner *self,
                 GstSample         *sample)
{
  MappedBuffer *mapped = g_new0 (MappedBuffer, 1);
  g_autoptr(GBytes) pixels = NULL;
  GstVideoInfo info;

  mapped->buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_buffer_map (mapped->buffer, &mapped->map, GST_MAP_READ))
    {
      gst_buffer_unref (mapped->buffer);
      g_free (mapped);
      return;
    }
  pixels = g_bytes_new_with_free_func (mapped->map.data, mapped->map.size,
                                       mapped_buffer_free, mapped);
  self->preview_func (pixels, info.width, info.height, info.stride[0], self->preview_data);
}

static gboolean
on_preview_ready (gpointer user_data)
{
  CurbCameraScanner *self = user_data;
  g_autoptr(GstSample) sample = NULL;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->preview_slot);
  self->preview_pending = FALSE;
  g_mutex_unlock (&self->lock);
  if (sample && self->preview_func && self->pipeline)
    deliver_preview (self, sample);
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
on_preview_sample (GstAppSink *sink,
                   gpointer    user_data)
{
  CurbCameraScanner *self = user_data;
  GstSample *sample = pull_own_sample (sink);
  gboolean post;

  if (sample == NULL)
    return GST_FLOW_OK;
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->preview_slot, gst_sample_unref);
  self->preview_slot = sample;
  post = !self->preview_pending;
  self->preview_pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (post)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, on_preview_ready,
                                g_object_ref (self), g_object_unref);
  return GST_FLOW_OK;
}

/* At start and after a flush (a file looping) the sinks preroll, and each
 * needs a frame before the pipeline plays on: the first frame goes through
 * both branches, whatever the rate. */
static gboolean
is_flush_stop (GstPadProbeInfo *info)
{
  return (info->type & GST_PAD_PROBE_TYPE_EVENT_FLUSH)
         && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_FLUSH_STOP;
}

/* Every camera frame, before the decode branch's queue: it proves the
 * camera alive, and goes on only when the gate will look at it. A file
 * played at its own pace keeps every frame: the decode sink's clock wait is
 * what paces it (the decode thread then skips what the gate does not want). */
static GstPadProbeReturn
on_decode_frame (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         user_data)
{
  CurbCameraScanner *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 due;
  gboolean wanted;

  if (is_flush_stop (info))
    {
      g_mutex_lock (&self->lock);
      self->decode_primed = FALSE;
      g_mutex_unlock (&self->lock);
      return GST_PAD_PROBE_OK;
    }
  due = frame_due_us (pad, GST_PAD_PROBE_INFO_BUFFER (info), now);
  g_mutex_lock (&self->lock);
  self->last_frame_time = now;
  self->had_frame = TRUE;
  self->stats.frames++;
  wanted = !self->decode_primed || self->paced || (self->decoding && due >= self->next_frame_us);
  self->decode_primed = TRUE;
  g_mutex_unlock (&self->lock);
  return wanted ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

/* Before the preview branch's queue: at full rate while the gate is
 * attentive, else thinned to the idle rate before any scaling. */
static GstPadProbeReturn
on_preview_frame (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  CurbCameraScanner *self = user_data;
  gint64 interval = self->preview_idle_fps ? G_USEC_PER_SEC / self->preview_idle_fps : 0;
  gint64 due;
  gboolean wanted;

  if (is_flush_stop (info))
    {
      self->preview_primed = FALSE;
      return GST_PAD_PROBE_OK;
    }
  due = frame_due_us (pad, GST_PAD_PROBE_INFO_BUFFER (info), g_get_monotonic_time ());
  g_mutex_lock (&self->lock);
  /* an eighth of an interval early still counts: frames come with jitter */
  wanted = interval == 0 || !self->preview_primed || self->attentive
           || due >= self->next_preview_us - interval / 8;
  if (wanted)
    self->stats.previewed++;
  g_mutex_unlock (&self->lock);
  if (wanted)
    self->next_preview_us = due + interval;
  self->preview_primed = TRUE;
  return wanted ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static void
add_queue_probe (GstElement       *branch,
                 const char       *queue_name,
                 GstPadProbeCallback probe,
                 gpointer          user_data)
{
  g_autoptr(GstElement) queue = gst_bin_get_by_name (GST_BIN (branch), queue_name);
  g_autoptr(GstPad) pad = gst_element_get_static_pad (queue, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_FLUSH, probe, user_data, NULL);
}

/* --- building the pipeline ----------------------------------------------- */

static gboolean
is_libcamera (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  const char *api = properties ? gst_structure_get_string (properties, "device.api") : NULL;

  return g_strcmp0 (api, "libcamera") == 0;
}

/* 720p30 when the camera offers it: enough pixels for a phone at arm's
 * length, little enough to decode every frame. */
static GstElement *
camera_bin (GstElement *camera)
{
  GstElement *bin = gst_bin_new (NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw,width=1280,height=720,framerate=30/1;"
                                                  "video/x-raw,width=1280,height=720;video/x-raw");
  g_autoptr(GstPad) pad = NULL;

  if (camera == NULL)
    return NULL;
  g_object_set (filter, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (bin), camera, filter, NULL);
  gst_element_link (camera, filter);
  pad = gst_element_get_static_pad (filter, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", pad));
  return bin;
}

/* The first camera, preferring libcamera's view of it where libcamera is
 * installed (cameras on a CSI bus work only through it). */
static GstElement *
find_camera (GError **error)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GList *devices;
  GstDevice *chosen = NULL;
  GstElement *element = NULL;

  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  devices = gst_device_monitor_get_devices (monitor);
  for (GList *l = devices; l; l = l->next)
    if (chosen == NULL || (is_libcamera (l->data) && !is_libcamera (chosen)))
      chosen = l->data;
  if (chosen)
    element = camera_bin (gst_device_create_element (chosen, "curb_camera"));
  g_list_free_full (devices, gst_object_unref);
  if (element == NULL)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_NO_CAMERA,
                 "No camera found");
  return element;
}

/* The configured description, ending in an identity whose src pad is the
 * bin's only ghost pad (ghosting every unlinked pad would also ghost the
 * sink pad a decodebin links to later). */
static GstElement *
make_source (CurbCameraScanner  *self,
             GError            **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) end = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *source;

  if (self->description == NULL)
    return find_camera (error);
  description = g_strconcat (self->description, " ! identity name=curb_source_end silent=true", NULL);
  source = gst_parse_bin_from_description (description, FALSE, &parse_error);
  if (source == NULL)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FAILED,
                   "Invalid camera pipeline “%s”: %s", self->description, parse_error->message);
      return NULL;
    }
  end = gst_bin_get_by_name (GST_BIN (source), "curb_source_end");
  pad = gst_element_get_static_pad (end, "src");
  gst_element_add_pad (source, gst_ghost_pad_new ("src", pad));
  return source;
}

/* Links inside the pipeline are made without a caps check: caps are agreed
 * when the first frame comes, in GStreamer's threads, and checking here
 * would repeat the costliest part of that work (videoconvert's caps) on the
 * caller's thread at start-up. */
static gboolean
link_unchecked (GstElement *src,
                const char *src_pad,
                GstElement *sink)
{
  return gst_element_link_pads_full (src, src_pad, sink, "sink", GST_PAD_LINK_CHECK_NOTHING);
}

static GstElement *
make_branch (const char *queue_name,
             const char *caps_string,
             GstElement *sink)
{
  GstElement *bin = gst_bin_new (NULL);
  GstElement *queue = gst_element_factory_make ("queue", queue_name);
  GstElement *convert = gst_element_factory_make ("videoconvert", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  g_autoptr(GstCaps) caps = caps_string ? gst_caps_from_string (caps_string) : gst_caps_new_any ();
  g_autoptr(GstPad) pad = NULL;

  g_object_set (queue, "leaky", 2, "max-size-buffers", 1, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_bin_add_many (GST_BIN (bin), queue, convert, filter, sink, NULL);
  link_unchecked (queue, "src", convert);
  link_unchecked (convert, "src", filter);
  link_unchecked (filter, "src", sink);
  pad = gst_element_get_static_pad (queue, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", pad));
  return bin;
}

static GstElement *
make_appsink (CurbCameraScanner *self,
              const char        *name,
              GstFlowReturn    (*on_sample) (GstAppSink *, gpointer))
{
  GstElement *sink = gst_element_factory_make ("appsink", name);
  GstAppSinkCallbacks callbacks = { .new_sample = on_sample };

  g_object_set (sink, "max-buffers", 1, "drop", TRUE, "sync", FALSE,
                "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  return sink;
}

static GstElement *
build_pipeline (CurbCameraScanner  *self,
                GError            **error)
{
  g_autoptr(GstElement) pipeline = gst_pipeline_new ("curb-camera");
  GstElement *source = make_source (self, error);
  GstElement *tee = gst_element_factory_make ("tee", "curb_tee");
  GstElement *decode;

  if (source == NULL)
    return NULL;
  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  decode = make_branch ("curb_decode_queue", gray_caps,
                        make_appsink (self, "curb_decode", on_decode_sample));
  add_queue_probe (decode, "curb_decode_queue", on_decode_frame, self);
  gst_bin_add_many (GST_BIN (pipeline), source, tee, decode, NULL);
  if (!gst_element_link (source, tee) || !link_unchecked (tee, "src_%u", decode))
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_FAILED,
                   "The camera pipeline has no video output");
      return NULL;
    }
  if (self->preview_sink || self->preview_func)
    {
      GstElement *sink = self->preview_sink ? gst_object_ref (self->preview_sink)
                                            : make_appsink (self, "curb_preview", on_preview_sample);
      GstElement *preview = make_branch ("curb_preview_queue",
                                         self->preview_sink ? NULL : preview_caps, sink);

      add_queue_probe (preview, "curb_preview_queue", on_preview_frame, self);
      gst_bin_add (GST_BIN (pipeline), preview);
      link_unchecked (tee, "src_%u", preview);
    }
  return g_steal_pointer (&pipeline);
}

/* --- failure and recovery -------------------------------------------------- */

static void
teardown (CurbCameraScanner *self)
{
  g_autoptr(GstElement) pipeline = g_steal_pointer (&self->pipeline);

  if (self->bus_source)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (pipeline == NULL)
    return;
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (self->preview_sink && GST_ELEMENT_PARENT (self->preview_sink))
    gst_bin_remove (GST_BIN (GST_ELEMENT_PARENT (self->preview_sink)), self->preview_sink);
}

static void
fail (CurbCameraScanner *self,
      int                code,
      const char        *message)
{
  g_autoptr(GError) error = g_error_new_literal (CURB_HARDWARE_ERROR, code, message);

  g_debug ("camera failed: %s", message);
  teardown (self);
  if (curb_code_source_get_state (CURB_CODE_SOURCE (self)) != CURB_CODE_SOURCE_FAILED)
    curb_code_source_report_error (CURB_CODE_SOURCE (self), error);
  schedule_retry (self);
}

static int
failure_code (CurbCameraScanner *self,
              const GError      *error)
{
  if (error && (g_error_matches (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT)
                || g_error_matches (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION)))
    return CURB_HARDWARE_ERROR_FORMAT_CHANGED;
  return self->ever_had_frame ? CURB_HARDWARE_ERROR_CAMERA_UNPLUGGED
                              : CURB_HARDWARE_ERROR_NO_CAMERA;
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  CurbCameraScanner *self = user_data;
  g_autoptr(GError) error = NULL;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      gst_message_parse_error (message, &error, NULL);
      fail (self, failure_code (self, error), error->message);
      return G_SOURCE_REMOVE;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS
      && !gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH, 0))
    {
      fail (self, CURB_HARDWARE_ERROR_CAMERA_UNPLUGGED, "The camera stream ended");
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* A file or test source is played at its own pace: frames wait for the
 * clock instead of being dropped. */
static void
pace_to_clock (GstElement *pipeline)
{
  const char *names[] = { "curb_decode", "curb_preview", "curb_decode_queue", "curb_preview_queue" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GstElement) element = gst_bin_get_by_name (GST_BIN (pipeline), names[i]);

      if (element && i < 2)
        g_object_set (element, "sync", TRUE, "drop", FALSE, NULL);
      else if (element)
        g_object_set (element, "leaky", 0, NULL);
    }
}

static gboolean
launch (CurbCameraScanner  *self,
        GError            **error)
{
  g_autoptr(GstBus) bus = NULL;

  if ((self->pipeline = build_pipeline (self, error)) == NULL)
    return FALSE;
  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_attach (self->bus_source, self->context);
  g_mutex_lock (&self->lock);
  self->had_frame = FALSE;
  self->last_frame_time = g_get_monotonic_time ();
  self->next_frame_us = G_MININT64;
  self->decode_primed = FALSE;
  self->paced = FALSE;
  self->attentive = FALSE;
  g_mutex_unlock (&self->lock);
  self->preview_primed = FALSE;
  /* a file plays at its own pace; a live camera is decoded on arrival */
  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_ASYNC)
    {
      pace_to_clock (self->pipeline);
      g_mutex_lock (&self->lock);
      self->paced = TRUE;
      g_mutex_unlock (&self->lock);
    }
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  return TRUE;
}

static gboolean
on_retry (gpointer user_data)
{
  CurbCameraScanner *self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->retry, g_source_unref);
  if (!launch (self, &error))
    fail (self, error->code, error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (CurbCameraScanner *self)
{
  if (self->retry)
    return;
  self->retry = g_timeout_source_new (RETRY_MS);
  g_source_set_callback (self->retry, on_retry, self, NULL);
  g_source_attach (self->retry, self->context);
}

static gboolean
on_watchdog (gpointer user_data)
{
  CurbCameraScanner *self = user_data;
  gboolean had_frame;
  gint64 last;

  if (self->pipeline == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&self->lock);
  had_frame = self->had_frame;
  last = self->last_frame_time;
  g_mutex_unlock (&self->lock);
  if (had_frame)
    {
      self->ever_had_frame = TRUE;
      curb_code_source_report_running (CURB_CODE_SOURCE (self));
    }
  if (g_get_monotonic_time () - last > FROZEN_US)
    fail (self, had_frame ? CURB_HARDWARE_ERROR_CAMERA_FROZEN : failure_code (self, NULL),
          had_frame ? "The camera stopped sending pictures" : "The camera sends no pictures");
  return G_SOURCE_CONTINUE;
}

/* --- CurbCodeSource -------------------------------------------------------- */

static gboolean
curb_camera_scanner_start (CurbCodeSource  *source,
                           GError         **error)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (source);
  g_autoptr(GError) launch_error = NULL;

  self->context = g_main_context_ref_thread_default ();
  self->quit = FALSE;
  self->gate = curb_scanner_gate_new (IDLE_US);
  self->thread = g_thread_new ("curb-qr-decode", decode_thread, self);
  self->watchdog = g_timeout_source_new (WATCHDOG_MS);
  g_source_set_callback (self->watchdog, on_watchdog, self, NULL);
  g_source_attach (self->watchdog, self->context);
  if (!launch (self, &launch_error))
    {
      if (launch_error->code != CURB_HARDWARE_ERROR_NO_CAMERA)
        {
          g_propagate_error (error, g_steal_pointer (&launch_error));
          CURB_CODE_SOURCE_GET_CLASS (self)->stop (source);
          return FALSE;
        }
      fail (self, launch_error->code, launch_error->message);
    }
  return TRUE;
}

static void
curb_camera_scanner_stop (CurbCodeSource *source)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (source);

  teardown (self);
  if (self->watchdog)
    g_source_destroy (self->watchdog);
  g_clear_pointer (&self->watchdog, g_source_unref);
  if (self->retry)
    g_source_destroy (self->retry);
  g_clear_pointer (&self->retry, g_source_unref);
  if (self->thread)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
      g_clear_pointer (&self->thread, g_thread_join);
    }
  g_clear_pointer (&self->slot, gst_sample_unref);
  g_clear_pointer (&self->preview_slot, gst_sample_unref);
  g_clear_pointer (&self->gate, curb_scanner_gate_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->last_caps, gst_caps_unref);
  g_hash_table_remove_all (self->seen);
}

/* --- GObject ---------------------------------------------------------------- */

static gboolean
curb_camera_scanner_initable_init (GInitable     *initable,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (initable);
  g_autoptr(GstElement) probe = NULL;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  /* A missing camera is not fatal: start() reports NO_CAMERA and keeps
   * looking, so a kiosk that boots before its USB camera recovers alone. */
  if (self->description == NULL)
    return TRUE;
  probe = make_source (self, error);
  return probe != NULL;
}

static void
curb_camera_scanner_initable_iface_init (GInitableIface *iface)
{
  iface->init = curb_camera_scanner_initable_init;
}

static void
curb_camera_scanner_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      self->description = g_value_dup_string (value);
      if (self->description && *g_strstrip (self->description) == '\0')
        g_clear_pointer (&self->description, g_free);
      break;
    case PROP_REARM_TIME:
      self->rearm_us = g_value_get_uint (value) * G_TIME_SPAN_MILLISECOND;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_camera_scanner_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_string (value, self->description);
      break;
    case PROP_REARM_TIME:
      g_value_set_uint (value, self->rearm_us / G_TIME_SPAN_MILLISECOND);
      break;
    case PROP_ATTENTIVE:
      g_value_set_boolean (value, curb_camera_scanner_get_attentive (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_camera_scanner_dispose (GObject *object)
{
  curb_code_source_stop (CURB_CODE_SOURCE (object));
  G_OBJECT_CLASS (curb_camera_scanner_parent_class)->dispose (object);
}

static void
curb_camera_scanner_finalize (GObject *object)
{
  CurbCameraScanner *self = CURB_CAMERA_SCANNER (object);

  if (self->preview_destroy)
    self->preview_destroy (self->preview_data);
  g_clear_object (&self->preview_sink);
  g_clear_object (&self->decoder);
  g_hash_table_unref (self->seen);
  g_free (self->description);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (curb_camera_scanner_parent_class)->finalize (object);
}

static void
curb_camera_scanner_class_init (CurbCameraScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CurbCodeSourceClass *source_class = CURB_CODE_SOURCE_CLASS (klass);

  object_class->set_property = curb_camera_scanner_set_property;
  object_class->get_property = curb_camera_scanner_get_property;
  object_class->dispose = curb_camera_scanner_dispose;
  object_class->finalize = curb_camera_scanner_finalize;
  source_class->start = curb_camera_scanner_start;
  source_class->stop = curb_camera_scanner_stop;

  /**
   * CurbCameraScanner:pipeline:
   *
   * A GStreamer description of the camera ("v4l2src device=/dev/video2",
   * "filesrc location=demo.mkv ! decodebin", "videotestsrc is-live=1"), or
   * %NULL to find the camera automatically.
   */
  props[PROP_PIPELINE] =
    g_param_spec_string ("pipeline", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * CurbCameraScanner:rearm-time:
   *
   * A payload is reported once, and again only after it has been out of
   * view for this many milliseconds.
   */
  props[PROP_REARM_TIME] =
    g_param_spec_uint ("rearm-time", NULL, NULL, 0, 60000, REARM_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /**
   * CurbCameraScanner:attentive:
   *
   * Whether something code-like is in view or a code was read lately (see
   * curb_scanner_gate_is_attentive()); notified on the main context.
   */
  props[PROP_ATTENTIVE] =
    g_param_spec_boolean ("attentive", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
curb_camera_scanner_init (CurbCameraScanner *self)
{
  self->decoding = TRUE;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->decoder = curb_qr_decoder_new ();
  self->seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                      (GDestroyNotify) g_bytes_unref, g_free);
}

/* --- public API ------------------------------------------------------------- */

/**
 * curb_camera_scanner_new:
 * @pipeline: (nullable): the camera as a GStreamer description, or %NULL to
 *   find one
 *
 * Returns: a stopped scanner, or %NULL with CURB_HARDWARE_ERROR_FAILED when
 *   @pipeline is not a valid description. A missing camera is reported by
 *   #CurbCodeSource::error (NO_CAMERA) after starting, and looked for again
 *   every second.
 */
CurbCameraScanner *
curb_camera_scanner_new (const char    *pipeline,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return g_initable_new (CURB_TYPE_CAMERA_SCANNER, cancellable, error,
                         "name", "camera", "pipeline", pipeline, NULL);
}

/**
 * curb_camera_scanner_set_preview_sink:
 * @sink: (transfer none): a video sink (e.g. gtk4paintablesink) fed with
 *   the camera's frames beside the decoder; call before starting
 */
void
curb_camera_scanner_set_preview_sink (CurbCameraScanner *self,
                                      GstElement        *sink)
{
  g_return_if_fail (CURB_IS_CAMERA_SCANNER (self));
  g_return_if_fail (self->pipeline == NULL);

  g_set_object (&self->preview_sink, sink);
}

/**
 * curb_camera_scanner_set_preview_func:
 *
 * Where no GStreamer sink for GTK exists: frames reach @func as BGRA
 * pixels on the scanner's main context, ready for gdk_memory_texture_new().
 * Call before starting.
 */
void
curb_camera_scanner_set_preview_func (CurbCameraScanner *self,
                                      CurbPreviewFunc    func,
                                      gpointer           user_data,
                                      GDestroyNotify     destroy)
{
  g_return_if_fail (CURB_IS_CAMERA_SCANNER (self));
  g_return_if_fail (self->pipeline == NULL);

  if (self->preview_destroy)
    self->preview_destroy (self->preview_data);
  self->preview_func = func;
  self->preview_data = user_data;
  self->preview_destroy = destroy;
}

/**
 * curb_camera_scanner_dup_element:
 *
 * Returns: (transfer full) (nullable): the element called @name in the
 *   running pipeline (tests feed their appsrc this way)
 */
GstElement *
curb_camera_scanner_dup_element (CurbCameraScanner *self,
                                 const char        *name)
{
  g_return_val_if_fail (CURB_IS_CAMERA_SCANNER (self), NULL);

  if (self->pipeline == NULL)
    return NULL;
  return gst_bin_get_by_name (GST_BIN (self->pipeline), name);
}

void
curb_camera_scanner_get_stats (CurbCameraScanner *self,
                               CurbCameraStats   *stats)
{
  g_return_if_fail (CURB_IS_CAMERA_SCANNER (self));

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

/**
 * curb_camera_scanner_set_preview_idle_rate:
 * @fps: frames a second for the preview while nothing code-like is in
 *   view, or 0 for every frame (the default)
 *
 * The preview branch gets every frame while the scanner is attentive (a
 * code-like pattern seen within a second, a code read lately) and @fps
 * otherwise; frames are dropped before the branch's queue, so they cost
 * no scaling or converting. Call before starting.
 */
void
curb_camera_scanner_set_preview_idle_rate (CurbCameraScanner *self,
                                           guint              fps)
{
  g_return_if_fail (CURB_IS_CAMERA_SCANNER (self));
  g_return_if_fail (self->pipeline == NULL);

  self->preview_idle_fps = fps;
}

gboolean
curb_camera_scanner_get_attentive (CurbCameraScanner *self)
{
  gboolean attentive;

  g_return_val_if_fail (CURB_IS_CAMERA_SCANNER (self), FALSE);

  g_mutex_lock (&self->lock);
  attentive = self->attentive;
  g_mutex_unlock (&self->lock);
  return attentive;
}

/**
 * curb_camera_scanner_set_decoding:
 * @decoding: %FALSE to leave the frames undecoded for now
 *
 * The camera and its preview run either way. An app may hold decoding
 * while it starts (the kiosk: until its first camera frame is painted), so
 * that start-up does not share the cores with the decoder; the first frame
 * after decoding resumes is looked at at once.
 */
void
curb_camera_scanner_set_decoding (CurbCameraScanner *self,
                                  gboolean           decoding)
{
  g_return_if_fail (CURB_IS_CAMERA_SCANNER (self));

  g_mutex_lock (&self->lock);
  self->decoding = decoding;
  g_mutex_unlock (&self->lock);
}
