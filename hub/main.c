#include <locale.h>

#include "curb-hub-daemon.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return curb_hub_daemon_run (argc, argv);
}
