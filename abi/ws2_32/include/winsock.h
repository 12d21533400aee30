/* winsock.h for the wsp ws2_32 shim.
 *
 * On Windows winsock.h is the Winsock 1.1 header and excludes winsock2.h. Here it is the
 * Winsock 2 header: 1.1 programs compile against the same declarations (a superset), and
 * a program may include both. One visible difference: the IP_* multicast option numbers
 * are the Winsock 2 ones (ws2tcpip.h), not winsock.h 1.1's (IP_MULTICAST_IF 2 ...). */
#ifndef WSP_WINSOCK_H
#define WSP_WINSOCK_H
#include "winsock2.h"
#endif
