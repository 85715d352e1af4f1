/* fsutil: the two file-system helpers the command line and the report writers share. */
#ifndef APPCSIM_FSUTIL_H
#define APPCSIM_FSUTIL_H

/* "dir/name" (no doubled slash when dir ends with one), malloc'd; NULL on out-of-memory. */
char *path_join(const char *dir, const char *name);
/* Creates path and every missing parent folder (mode 0777 less the umask), like mkdir -p.
 * 0, or -1 with errno set. */
int make_dirs(const char *path);

#endif
