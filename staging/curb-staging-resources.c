#include "curb-staging-resources.h"

#include "curb-staging-resources-data.h"

void
curb_staging_resources_ensure (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      curb_staging_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}
