/* tchar.h for the wsp porting shim: the generic-text mappings of the Microsoft C runtime for
 * ANSI builds (neither _UNICODE nor _MBCS): TCHAR is char, _T("x") is "x", and each _t
 * function is its char C library function (_tcslen -> strlen, _tprintf -> printf, ...).
 * _tmain is main and _tWinMain is WinMain, so `int _tmain(int argc, _TCHAR *argv[])`
 * compiles as the program's entry point.
 *
 * _UNICODE builds are not supported (WCHAR is 16-bit here, and the C library has no
 * 16-bit string functions): defining _UNICODE is an error. _MBCS is treated as ANSI
 * (single-byte: _tcsinc advances one byte). */
#ifndef WSP_TCHAR_H
#define WSP_TCHAR_H

#ifdef _UNICODE
#error "tchar.h of the wsp shim supports ANSI builds only (undefine _UNICODE)"
#endif

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wsp/win32_crt.h"

#ifndef _TCHAR_DEFINED
#define _TCHAR_DEFINED
typedef char _TCHAR, _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;
#endif

#ifndef _T
#define _T(x) x
#endif
#ifndef _TEXT
#define _TEXT(x) x
#endif
#ifndef __T
#define __T(x) x
#endif
#ifndef _TEOF
#define _TEOF EOF
#endif

/* entry points */
#define _tmain main
#define _tWinMain WinMain

/* formatted I/O */
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf _snprintf
#define _stprintf_s sprintf_s
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _vstprintf vsprintf
#define _vsntprintf _vsnprintf
#define _tscanf scanf
#define _ftscanf fscanf
#define _stscanf sscanf

/* unformatted I/O */
#define _fgettc fgetc
#define _fgetts fgets
#define _fputtc fputc
#define _fputts fputs
#define _gettc getc
#define _gettchar getchar
#define _puttc putc
#define _puttchar putchar
#define _ungettc ungetc
#define _tfopen fopen
#define _tfreopen freopen
#define _tremove remove
#define _trename rename
#define _tperror perror
#define _tgetenv getenv
#define _tsystem system

/* strings */
#define _tcslen strlen
#define _tcsnlen strnlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp _stricmp
#define _tcsnicmp _strnicmp
#define _tcscoll strcoll
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcsspn strspn
#define _tcscspn strcspn
#define _tcspbrk strpbrk
#define _tcstok strtok
#define _tcsdup _strdup
#define _tcsftime strftime
#define _tcslwr _strlwr
#define _tcsupr _strupr
#define _tcsinc(p) ((p) + 1)
#define _tcsdec(start, p) ((p) - 1)
#define _tcsnextc(p) ((unsigned int)*(const unsigned char *)(p))
#define _tccpy(d, s) (*(d) = *(s))

/* conversions */
#define _ttoi atoi
#define _tstoi atoi
#define _ttol atol
#define _tstol atol
#define _ttoi64 atoll
#define _tcstol strtol
#define _tcstoul strtoul
#define _tcstoi64 strtoll
#define _tcstoui64 strtoull
#define _tcstod strtod
#define _itot _itoa
#define _ltot _ltoa

/* character classes */
#define _istalnum isalnum
#define _istalpha isalpha
#define _istcntrl iscntrl
#define _istdigit isdigit
#define _istgraph isgraph
#define _istlower islower
#define _istprint isprint
#define _istpunct ispunct
#define _istspace isspace
#define _istupper isupper
#define _istxdigit isxdigit
#define _istascii(c) ((unsigned)(c) < 0x80)
#define _totlower tolower
#define _totupper toupper

#endif /* WSP_TCHAR_H */
