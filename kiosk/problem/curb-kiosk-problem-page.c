#include <glib/gi18n.h>

#include "curb-kiosk-page.h"
#include "curb-kiosk-problem-page.h"

typedef enum
{
  ACTION_NONE,
  ACTION_FIND_ORDER,
  ACTION_CHECK_IN_ANYWAY,
  ACTION_SEE_STATUS,
  ACTION_START_OVER,
  ACTION_BACK,
  ACTION_CALL_STAFF,
  ACTION_DONE,
} Action;

typedef struct
{
  const char *icon;
  const char *title;
  const char *body;
  Action      primary;
  Action      secondary;
} ProblemText;

struct _CurbKioskProblemPage
{
  GtkBox         parent_instance;

  CurbKioskFlow *flow;
  GtkImage      *icon;
  GtkLabel      *title;
  GtkLabel      *body;
  GtkLabel      *phone_label;
  GtkButton     *primary_button;
  GtkButton     *secondary_button;
  GtkBox        *actions;
  Action         primary;
  Action         secondary;
};

G_DEFINE_FINAL_TYPE (CurbKioskProblemPage, curb_kiosk_problem_page, GTK_TYPE_BOX)

static const ProblemText problems[] = {
  [CURB_KIOSK_PROBLEM_NONE] = { "dialog-information-symbolic", NULL, NULL,
    ACTION_START_OVER, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_UNREADABLE] = { "camera-photo-symbolic",
    N_("We could not read that code"),
    N_("Hold your phone steady, about a hand's width from the camera, and turn your screen brightness up. You can try again right away."),
    ACTION_FIND_ORDER, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_EXPIRED] = { "appointment-soon-symbolic",
    N_("This pickup code has expired"),
    N_("No problem: we can find your order by its number instead."),
    ACTION_FIND_ORDER, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_INVALID] = { "dialog-question-symbolic",
    N_("We cannot use this code"),
    N_("It may be from an older message. We can find your order by its number instead."),
    ACTION_FIND_ORDER, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_OTHER_STORE] = { "mark-location-symbolic",
    N_("This code is for a different store"),
    N_("Please check the store in your order message. We can also look your order up here."),
    ACTION_FIND_ORDER, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_NOT_FOUND] = { "system-search-symbolic",
    N_("We could not find that order"),
    N_("Please check the order number and try again."),
    ACTION_FIND_ORDER, ACTION_CALL_STAFF },
  [CURB_KIOSK_PROBLEM_NOT_READY] = { "appointment-soon-symbolic",
    N_("Your order is not quite ready"),
    NULL,
    ACTION_CHECK_IN_ANYWAY, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN] = { "emblem-ok-symbolic",
    N_("You are already checked in"),
    N_("Our team knows you are here."),
    ACTION_SEE_STATUS, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_ALREADY_COLLECTED] = { "emblem-ok-symbolic",
    N_("This order has already been picked up"),
    N_("If that does not sound right, a team member will help."),
    ACTION_CALL_STAFF, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_CANCELLED] = { "dialog-information-symbolic",
    N_("This order was cancelled"),
    N_("A team member can tell you more and sort it out."),
    ACTION_CALL_STAFF, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_OFFLINE_QUEUED] = { "emblem-ok-symbolic",
    N_("You are checked in"),
    N_("Our system is catching up, so our team will see your arrival in a moment. Please wait in your car."),
    ACTION_DONE, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_HUB_UNREACHABLE] = { "network-offline-symbolic",
    N_("We cannot look up orders right now"),
    N_("Please show the pickup code from your order message to the camera, or call us."),
    ACTION_START_OVER, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_RATE_LIMITED] = { "alarm-symbolic",
    N_("Let's take a short break"),
    N_("There were a lot of tries in a row. Please wait a minute and try again, or ask a team member."),
    ACTION_START_OVER, ACTION_CALL_STAFF },
  [CURB_KIOSK_PROBLEM_CAMERA_FAILED] = { "camera-hardware-disabled-symbolic",
    N_("The camera is not working right now"),
    N_("We can find your order by its number instead."),
    ACTION_FIND_ORDER, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_STAFF_CALLED] = { "call-start-symbolic",
    N_("Help is on the way"),
    N_("We have asked a team member to come to this kiosk. You can also call us."),
    ACTION_BACK, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_SEE_STAFF] = { "system-users-symbolic",
    N_("Please see a team member"),
    N_("Your order needs a quick check by our team before pickup. We have let them know."),
    ACTION_CALL_STAFF, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_STAFF_UNREACHABLE] = { "call-stop-symbolic",
    N_("We could not reach the team"),
    N_("Please call us, or ask anyone from the store."),
    ACTION_BACK, ACTION_NONE },
  [CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE] = { "dialog-question-symbolic",
    N_("That is not a pickup code"),
    N_("Your pickup code is in the message we sent you about your order. You can also find your order by its number."),
    ACTION_FIND_ORDER, ACTION_START_OVER },
  [CURB_KIOSK_PROBLEM_STAFF_COMING] = { "system-users-symbolic",
    N_("A team member is already on the way"),
    N_("They are bringing this order out now. If it is not yours, please tell them."),
    ACTION_CALL_STAFF, ACTION_DONE },
  [CURB_KIOSK_PROBLEM_FAILED] = { "dialog-warning-symbolic",
    N_("Something went wrong on our side"),
    N_("A team member will help you check in."),
    ACTION_CALL_STAFF, ACTION_START_OVER },
};

G_STATIC_ASSERT (G_N_ELEMENTS (problems) == CURB_KIOSK_N_PROBLEMS);

static const char *
action_label (Action action)
{
  switch (action)
    {
    case ACTION_FIND_ORDER:
      return _("Find my order");
    case ACTION_CHECK_IN_ANYWAY:
      return _("Continue");
    case ACTION_SEE_STATUS:
      return _("See my order status");
    case ACTION_BACK:
      return _("Back");
    case ACTION_CALL_STAFF:
      return _("Call a team member");
    case ACTION_START_OVER:
      return _("Start over");
    case ACTION_DONE:
      return _("Done");
    case ACTION_NONE:
    default:
      return NULL;
    }
}

static void
run_action (CurbKioskProblemPage *self,
            Action                action)
{
  switch (action)
    {
    case ACTION_FIND_ORDER:
      curb_kiosk_flow_find_order (self->flow);
      break;
    case ACTION_CHECK_IN_ANYWAY:
      curb_kiosk_flow_check_in_anyway (self->flow);
      break;
    case ACTION_SEE_STATUS:
      curb_kiosk_flow_show_status (self->flow);
      break;
    case ACTION_BACK:
      curb_kiosk_flow_back (self->flow);
      break;
    case ACTION_CALL_STAFF:
      curb_kiosk_flow_call_staff (self->flow);
      break;
    case ACTION_START_OVER:
    case ACTION_DONE:
      curb_kiosk_flow_start_over (self->flow);
      break;
    case ACTION_NONE:
    default:
      break;
    }
}

static void
set_action (GtkButton *button,
            Action     action)
{
  const char *label = action_label (action);

  gtk_widget_set_visible (GTK_WIDGET (button), label != NULL);
  if (label != NULL)
    gtk_button_set_label (button, label);
}

static char *
not_ready_body (CurbKioskFlow *flow)
{
  CurbOrder *order = curb_kiosk_flow_get_order (flow);
  g_autofree char *start = NULL;

  if (order != NULL)
    start = curb_kiosk_format_time (curb_order_get_window_start (order));
  if (start == NULL)
    return g_strdup (_("You are checked in: our team knows you are here and will bring it out when it is ready."));
  return g_strdup_printf (_("It should be ready by %s. You are checked in: our team knows you are here."),
                          start);
}

static char *
phone_text (CurbKioskFlow    *flow,
            CurbKioskProblem  problem)
{
  const char *phone = curb_kiosk_flow_get_store_phone (flow);

  if (phone == NULL || *phone == '\0')
    return NULL;
  if (problem == CURB_KIOSK_PROBLEM_NONE || problem == CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN
      || problem == CURB_KIOSK_PROBLEM_NOT_READY || problem == CURB_KIOSK_PROBLEM_UNREADABLE
      || problem == CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE)
    return NULL;
  return g_strdup_printf (_("Store phone: %s"), phone);
}

static void
refresh (CurbKioskProblemPage *self)
{
  CurbKioskProblem problem = curb_kiosk_flow_get_problem (self->flow);
  const ProblemText *text = &problems[problem];
  g_autofree char *body = NULL;
  g_autofree char *phone = NULL;

  if (curb_kiosk_flow_get_screen (self->flow) != CURB_KIOSK_SCREEN_PROBLEM)
    return;
  body = problem == CURB_KIOSK_PROBLEM_NOT_READY ? not_ready_body (self->flow)
                                                 : g_strdup (text->body != NULL ? _(text->body) : NULL);
  phone = phone_text (self->flow, problem);
  gtk_image_set_from_icon_name (self->icon, text->icon);
  if (problem == CURB_KIOSK_PROBLEM_STAFF_COMING && curb_kiosk_flow_get_staff_name (self->flow) != NULL)
    {
      g_autofree char *coming = g_strdup_printf (_("%s is already bringing this order out"),
                                                 curb_kiosk_flow_get_staff_name (self->flow));
      curb_kiosk_set_text (self->title, coming);
    }
  else if (problem == CURB_KIOSK_PROBLEM_STAFF_CALLED && curb_kiosk_flow_get_helper_name (self->flow) != NULL)
    {
      g_autofree char *coming = g_strdup_printf (_("%s is on the way to help you"),
                                                 curb_kiosk_flow_get_helper_name (self->flow));
      curb_kiosk_set_text (self->title, coming);
    }
  else
    curb_kiosk_set_text (self->title, text->title != NULL ? _(text->title) : NULL);
  curb_kiosk_set_text (self->body, body);
  curb_kiosk_set_text (self->phone_label, phone);
  self->primary = text->primary;
  self->secondary = text->secondary;
  set_action (self->primary_button, text->primary);
  set_action (self->secondary_button, text->secondary);
  gtk_widget_set_name (GTK_WIDGET (self), curb_kiosk_problem_to_string (problem));
}

static void
on_primary_clicked (CurbKioskProblemPage *self)
{
  run_action (self, self->primary);
}

static void
on_secondary_clicked (CurbKioskProblemPage *self)
{
  run_action (self, self->secondary);
}

static void
curb_kiosk_problem_page_dispose (GObject *object)
{
  CurbKioskProblemPage *self = CURB_KIOSK_PROBLEM_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_PROBLEM_PAGE);
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (curb_kiosk_problem_page_parent_class)->dispose (object);
}

static void
curb_kiosk_problem_page_class_init (CurbKioskProblemPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_problem_page_dispose;
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/problem/curb-kiosk-problem-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, icon);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, title);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, body);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, phone_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, primary_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, secondary_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskProblemPage, actions);
  gtk_widget_class_bind_template_callback (widget_class, on_primary_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_clicked);
}

static void
curb_kiosk_problem_page_init (CurbKioskProblemPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  curb_kiosk_page_set_adaptive (GTK_WIDGET (self), GTK_ORIENTABLE (self->actions));
}

GtkWidget *
curb_kiosk_problem_page_new (CurbKioskFlow *flow)
{
  CurbKioskProblemPage *self = g_object_new (CURB_TYPE_KIOSK_PROBLEM_PAGE, NULL);

  self->flow = g_object_ref (flow);
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}
