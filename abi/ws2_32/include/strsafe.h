/* strsafe.h for the wsp porting shim: the StringCch* (counts in characters) and StringCb*
 * (counts in bytes) functions of the Windows SDK, ANSI (A suffix, and the unsuffixed names,
 * which are the A functions in an ANSI build), as static inline functions.
 *
 * Each returns an HRESULT, as Microsoft documents (learn.microsoft.com, "strsafe.h"):
 *  - S_OK: the whole result fit; the destination is NUL-terminated.
 *  - STRSAFE_E_INSUFFICIENT_BUFFER (0x8007007A): the result was truncated to fit; the
 *    destination holds as much as fits and is still NUL-terminated.
 *  - STRSAFE_E_INVALID_PARAMETER (0x80070057): a count of 0 or above STRSAFE_MAX_CCH
 *    (for Cat: a destination not NUL-terminated within its size). For a non-zero
 *    destination size the destination is set to the empty string.
 * Length returns STRSAFE_E_INVALID_PARAMETER for a NULL string, a string not terminated
 * within the maximum, or a maximum above STRSAFE_MAX_CCH, and then stores 0 in the length.
 *
 * Not provided: the W functions (WCHAR is 16-bit here, so there is no wide printf), the Ex
 * functions, and StringCchGets. In a UNICODE build the unsuffixed names still mean the A
 * functions. */
#ifndef WSP_STRSAFE_H
#define WSP_STRSAFE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "wsp/basetypes.h"
#include "wsp/win32_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef STRSAFE_MAX_CCH
#define STRSAFE_MAX_CCH 2147483647
#endif
#ifndef STRSAFE_E_INSUFFICIENT_BUFFER
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#endif
#ifndef STRSAFE_E_INVALID_PARAMETER
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#endif
#ifndef STRSAFE_E_END_OF_FILE
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)
#endif
#ifndef STRSAFEAPI
#define STRSAFEAPI static inline HRESULT
#endif

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;

/* ---- workers (counts in characters) ---- */

/* A destination size strsafe accepts: 1..STRSAFE_MAX_CCH. */
static inline HRESULT wsp_strsafe_check_dest(char *dest, size_t cch)
{
    if (cch == 0 || cch > STRSAFE_MAX_CCH) {
        if (cch != 0 && dest != NULL)
            *dest = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    return S_OK;
}

/* Copy at most `max` characters of src to dest (size cch >= 1), always terminating. */
static inline HRESULT wsp_strsafe_copy(char *dest, size_t cch, const char *src, size_t max)
{
    size_t n = 0;
    while (n < max && src[n] != '\0') {
        if (n + 1 == cch) {
            dest[n] = '\0';
            return STRSAFE_E_INSUFFICIENT_BUFFER;
        }
        dest[n] = src[n];
        n++;
    }
    dest[n] = '\0';
    return S_OK;
}

static inline HRESULT wsp_strsafe_length(const char *psz, size_t max, size_t *len)
{
    size_t n = 0;
    HRESULT hr = S_OK;
    if (psz == NULL || max > STRSAFE_MAX_CCH) {
        hr = STRSAFE_E_INVALID_PARAMETER;
    } else {
        while (n < max && psz[n] != '\0')
            n++;
        if (n == max)
            hr = STRSAFE_E_INVALID_PARAMETER; /* not terminated within max */
    }
    if (len != NULL)
        *len = SUCCEEDED(hr) ? n : 0;
    return hr;
}

static inline HRESULT wsp_strsafe_vprintf(char *dest, size_t cch, const char *fmt, va_list ap)
{
    int n;
    HRESULT hr = wsp_strsafe_check_dest(dest, cch);
    if (FAILED(hr))
        return hr;
    if (fmt == NULL) {
        *dest = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    n = vsnprintf(dest, cch, fmt, ap);
    if (n < 0) {
        *dest = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    if ((size_t)n >= cch) {
        dest[cch - 1] = '\0';
        return STRSAFE_E_INSUFFICIENT_BUFFER;
    }
    return S_OK;
}

/* ---- StringCch* ---- */

STRSAFEAPI StringCchCopyA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc)
{
    HRESULT hr = wsp_strsafe_check_dest(pszDest, cchDest);
    if (FAILED(hr))
        return hr;
    return wsp_strsafe_copy(pszDest, cchDest, pszSrc ? pszSrc : "", STRSAFE_MAX_CCH);
}

STRSAFEAPI StringCchCopyNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc,
                           size_t cchToCopy)
{
    HRESULT hr = wsp_strsafe_check_dest(pszDest, cchDest);
    if (FAILED(hr))
        return hr;
    if (cchToCopy > STRSAFE_MAX_CCH) {
        *pszDest = '\0';
        return STRSAFE_E_INVALID_PARAMETER;
    }
    return wsp_strsafe_copy(pszDest, cchDest, pszSrc ? pszSrc : "", cchToCopy);
}

STRSAFEAPI StringCchCatNA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc,
                          size_t cchToAppend)
{
    size_t len;
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH || pszDest == NULL)
        return STRSAFE_E_INVALID_PARAMETER;
    if (FAILED(wsp_strsafe_length(pszDest, cchDest, &len)))
        return STRSAFE_E_INVALID_PARAMETER; /* dest not terminated: left as it is */
    if (cchToAppend > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    return wsp_strsafe_copy(pszDest + len, cchDest - len, pszSrc ? pszSrc : "", cchToAppend);
}

STRSAFEAPI StringCchCatA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszSrc)
{
    return StringCchCatNA(pszDest, cchDest, pszSrc, STRSAFE_MAX_CCH);
}

STRSAFEAPI StringCchLengthA(STRSAFE_LPCSTR psz, size_t cchMax, size_t *pcchLength)
{
    return wsp_strsafe_length(psz, cchMax, pcchLength);
}

STRSAFEAPI StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat,
                             va_list argList)
{
    return wsp_strsafe_vprintf(pszDest, cchDest, pszFormat, argList);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
STRSAFEAPI StringCchPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, pszFormat);
    hr = wsp_strsafe_vprintf(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return hr;
}

/* ---- StringCb* (sizes in bytes; for char, the same as characters) ---- */

STRSAFEAPI StringCbCopyA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszSrc)
{
    return StringCchCopyA(pszDest, cbDest / sizeof(char), pszSrc);
}

STRSAFEAPI StringCbCopyNA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszSrc,
                          size_t cbToCopy)
{
    return StringCchCopyNA(pszDest, cbDest / sizeof(char), pszSrc, cbToCopy / sizeof(char));
}

STRSAFEAPI StringCbCatA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszSrc)
{
    return StringCchCatA(pszDest, cbDest / sizeof(char), pszSrc);
}

STRSAFEAPI StringCbCatNA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszSrc,
                         size_t cbToAppend)
{
    return StringCchCatNA(pszDest, cbDest / sizeof(char), pszSrc, cbToAppend / sizeof(char));
}

STRSAFEAPI StringCbLengthA(STRSAFE_LPCSTR psz, size_t cbMax, size_t *pcbLength)
{
    size_t cch = 0;
    HRESULT hr = wsp_strsafe_length(psz, cbMax / sizeof(char), &cch);
    if (pcbLength != NULL)
        *pcbLength = cch * sizeof(char);
    return hr;
}

STRSAFEAPI StringCbVPrintfA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszFormat,
                            va_list argList)
{
    return wsp_strsafe_vprintf(pszDest, cbDest / sizeof(char), pszFormat, argList);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
STRSAFEAPI StringCbPrintfA(STRSAFE_LPSTR pszDest, size_t cbDest, STRSAFE_LPCSTR pszFormat, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, pszFormat);
    hr = wsp_strsafe_vprintf(pszDest, cbDest / sizeof(char), pszFormat, ap);
    va_end(ap);
    return hr;
}

/* ---- the unsuffixed names (ANSI) ---- */
#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchCatN StringCchCatNA
#define StringCchLength StringCchLengthA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCbCopy StringCbCopyA
#define StringCbCopyN StringCbCopyNA
#define StringCbCat StringCbCatA
#define StringCbCatN StringCbCatNA
#define StringCbLength StringCbLengthA
#define StringCbPrintf StringCbPrintfA
#define StringCbVPrintf StringCbVPrintfA

#ifdef __cplusplus
}
#endif

#endif /* WSP_STRSAFE_H */
