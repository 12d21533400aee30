/* wsp/winsock_host.h: reconcile the host C library with Winsock's names.
 *
 * Included first by winsock2.h. It includes the host headers that declare names Winsock
 * also uses (glibc's <sys/select.h> fd_set/FD_SET/select, <sys/time.h> timeval,
 * <sys/types.h> u_long, <unistd.h> gethostname/socklen_t) so that their include guards
 * are set before Winsock's macros exist, and then renames those names to the shim's own
 * with macros. A later #include of the same host headers is then a no-op, and the
 * program's fd_set, timeval, u_long, select, ... are Winsock's.
 *
 * FD_SETSIZE: a program may define it (before winsock2.h) to enlarge fd_set, as on
 * Windows. The host's own definition (glibc: __FD_SETSIZE, macOS: __DARWIN_FD_SETSIZE)
 * is not the program's choice and is discarded; Winsock's default is 64. */
#ifndef WSP_WINSOCK_HOST_H
#define WSP_WINSOCK_HOST_H

#ifdef FD_SETSIZE
#  if (defined(__FD_SETSIZE) && (FD_SETSIZE == __FD_SETSIZE)) || \
      (defined(__DARWIN_FD_SETSIZE) && (FD_SETSIZE == __DARWIN_FD_SETSIZE))
#    undef FD_SETSIZE
#  else
#    define WSP_PROGRAM_FD_SETSIZE 1
#    pragma push_macro("FD_SETSIZE")
#    undef FD_SETSIZE
#  endif
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <unistd.h>

#undef FD_SETSIZE
#ifdef WSP_PROGRAM_FD_SETSIZE
#  pragma pop_macro("FD_SETSIZE")
#  undef WSP_PROGRAM_FD_SETSIZE
#else
#  define FD_SETSIZE 64
#endif

#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#undef NFDBITS
#undef h_errno
#undef htons
#undef htonl
#undef ntohs
#undef ntohl
#undef _IO
#undef _IOR
#undef _IOW

/* Types the host may already have declared with other shapes. */
#define fd_set wsp_fd_set
#define timeval wsp_timeval
#define u_char wsp_u_char
#define u_short wsp_u_short
#define u_int wsp_u_int
#define u_long wsp_u_long
#define socklen_t wsp_socklen_t

#endif /* WSP_WINSOCK_HOST_H */
