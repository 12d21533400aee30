/* The Microsoft C runtime names Winsock programs use beside the Win32 API, as static inline
 * functions over the host C library: _stricmp/_strnicmp (and stricmp/strnicmp), sprintf_s,
 * _snprintf/_vsnprintf with the CRT's truncation rules, _strdup, _strlwr/_strupr,
 * _itoa/_ltoa, and SecureZeroMemory. windows.h and tchar.h include it.
 *
 * Differences from the CRT: sprintf_s has no invalid-parameter handler; on an overflow (or
 * a NULL buffer or format) it returns -1 with errno ERANGE/EINVAL and, when it can, an
 * empty buffer, as the CRT does when the handler returns. The comparisons use the C
 * locale. */
#ifndef WSP_WIN32_CRT_H
#define WSP_WIN32_CRT_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "basetypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Case-insensitive comparisons: the CRT folds both strings to lower case and compares
 * the bytes, which is what this does (in the C locale). */
static inline int _strnicmp(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a[i]);
        int cb = tolower((unsigned char)b[i]);
        if (ca != cb)
            return ca - cb;
        if (ca == 0)
            break;
    }
    return 0;
}
static inline int _stricmp(const char *a, const char *b)
{
    return _strnicmp(a, b, (size_t)-1);
}
#ifndef stricmp
#define stricmp _stricmp
#endif
#ifndef strnicmp
#define strnicmp _strnicmp
#endif
#ifndef strcmpi
#define strcmpi _stricmp
#endif

static inline char *_strdup(const char *s)
{
    size_t n;
    char *d;
    if (s == NULL)
        return NULL;
    n = strlen(s) + 1;
    d = (char *)malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}
static inline char *_strlwr(char *s)
{
    char *p;
    for (p = s; p != NULL && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}
static inline char *_strupr(char *s)
{
    char *p;
    for (p = s; p != NULL && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

/* _ltoa/_itoa: radix 2..36, lower-case digits, a minus sign only in radix 10 (as the CRT). */
static inline char *_ltoa(long value, char *buf, int radix)
{
    char tmp[72];
    unsigned long u;
    int i = 0, neg = 0;
    char *p = buf;
    if (buf == NULL || radix < 2 || radix > 36) {
        if (buf != NULL)
            *buf = '\0';
        return buf;
    }
    if (radix == 10 && value < 0) {
        neg = 1;
        u = 0UL - (unsigned long)value;
    } else {
        u = (unsigned long)value;
    }
    do {
        tmp[i++] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (unsigned)radix];
        u /= (unsigned)radix;
    } while (u != 0);
    if (neg)
        *p++ = '-';
    while (i > 0)
        *p++ = tmp[--i];
    *p = '\0';
    return buf;
}
static inline char *_itoa(int value, char *buf, int radix)
{
    /* An int in a radix other than 10 is its 32-bit two's complement pattern. */
    if (radix != 10)
        return _ltoa((long)(unsigned int)value, buf, radix);
    return _ltoa((long)value, buf, radix);
}

/* _vsnprintf/_snprintf: at most `count` characters; when the output is exactly `count`
 * long it is not terminated, and when it is longer, the first `count` characters are
 * stored, unterminated, and the result is -1 (the CRT's documented behaviour). */
static inline int _vsnprintf(char *buf, size_t count, const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return -1;
    if ((size_t)n < count)
        return vsnprintf(buf, count, fmt, ap);
    if (count > 0) {
        char *tmp = (char *)malloc((size_t)n + 1);
        if (tmp == NULL)
            return -1;
        vsnprintf(tmp, (size_t)n + 1, fmt, ap);
        memcpy(buf, tmp, count);
        free(tmp);
    }
    return (size_t)n == count ? n : -1;
}
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline int _snprintf(char *buf, size_t count, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = _vsnprintf(buf, count, fmt, ap);
    va_end(ap);
    return n;
}

/* vsprintf_s/sprintf_s: the whole output and its terminator must fit in `size`; the
 * result is the number of characters written (without the terminator). */
static inline int vsprintf_s(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n;
    if (buf == NULL || size == 0 || fmt == NULL) {
        if (buf != NULL && size != 0)
            *buf = '\0';
        errno = EINVAL;
        return -1;
    }
    n = vsnprintf(buf, size, fmt, ap);
    if (n < 0 || (size_t)n >= size) {
        *buf = '\0';
        errno = ERANGE;
        return -1;
    }
    return n;
}
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline int sprintf_s(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsprintf_s(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* SecureZeroMemory: zeroes through a volatile pointer, so the compiler cannot drop it as a
 * dead store (the point of the Windows macro). */
static inline PVOID wsp_SecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    volatile unsigned char *p = (volatile unsigned char *)ptr;
    while (cnt--)
        *p++ = 0;
    return ptr;
}
#ifndef SecureZeroMemory
#define SecureZeroMemory wsp_SecureZeroMemory
#endif
#ifndef RtlSecureZeroMemory
#define RtlSecureZeroMemory wsp_SecureZeroMemory
#endif

#ifdef __cplusplus
}

/* The C++ template overload the CRT offers for arrays: the size comes from the array. */
template <size_t N>
static inline int sprintf_s(char (&buf)[N], const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsprintf_s(buf, N, fmt, ap);
    va_end(ap);
    return n;
}
#endif

#endif /* WSP_WIN32_CRT_H */
