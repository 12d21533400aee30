/* strsafe.h, tchar.h, the C-runtime names, lstr*, MultiByteToWideChar and
 * WideCharToMultiByte. Sources: Microsoft's strsafe.h reference (StringCchCopy,
 * StringCchCat, StringCchPrintf, StringCchLength: truncation, termination, HRESULTs), the
 * CRT pages for _snprintf and sprintf_s, and the pages for the conversion functions. */
#include <windows.h>
#include <strsafe.h>
#include <tchar.h>
#include "check.h"

static HRESULT vp(char *d, size_t n, const char *fmt, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, fmt);
    hr = StringCchVPrintfA(d, n, fmt, ap);
    va_end(ap);
    return hr;
}

int main(void)
{
    char b[8], big[64];
    size_t len = 99;
    WCHAR w[16];
    char m[16];
    BOOL used = TRUE;
    TCHAR t[32];
    int n;

    /* ---- strsafe ---- */
    CHECK(STRSAFE_E_INSUFFICIENT_BUFFER == (HRESULT)0x8007007A);
    CHECK(STRSAFE_E_INVALID_PARAMETER == (HRESULT)0x80070057);
    CHECK(FAILED(STRSAFE_E_INSUFFICIENT_BUFFER) && SUCCEEDED(S_OK) && !FAILED(S_FALSE));
    CHECK(StringCchCopyA(b, sizeof b, "1234567") == S_OK && strcmp(b, "1234567") == 0);
    CHECK(StringCchCopyA(b, sizeof b, "12345678") == STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK(strcmp(b, "1234567") == 0); /* truncated, terminated */
    CHECK(StringCchCopy(b, 0, "x") == STRSAFE_E_INVALID_PARAMETER);
    CHECK(StringCbCopyA(b, 4, "abcdef") == STRSAFE_E_INSUFFICIENT_BUFFER && strcmp(b, "abc") == 0);
    CHECK(StringCchCopyNA(b, sizeof b, "abcdef", 2) == S_OK && strcmp(b, "ab") == 0);
    CHECK(StringCbCopyNA(b, 3, "abcdef", 5) == STRSAFE_E_INSUFFICIENT_BUFFER && strcmp(b, "ab") == 0);
    CHECK(StringCchCopyA(b, sizeof b, "ab") == S_OK);
    CHECK(StringCchCatA(b, sizeof b, "cd") == S_OK && strcmp(b, "abcd") == 0);
    CHECK(StringCchCatA(b, sizeof b, "efgh") == STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK(strcmp(b, "abcdefg") == 0);
    CHECK(StringCbCatA(b, sizeof b, "") == S_OK);
    CHECK(StringCchCopyA(b, sizeof b, "ab") == S_OK);
    CHECK(StringCchCatNA(b, sizeof b, "cdef", 1) == S_OK && strcmp(b, "abc") == 0);
    CHECK(StringCbCatNA(b, sizeof b, "xyz", 2) == S_OK && strcmp(b, "abcxy") == 0);
    memset(b, 'z', sizeof b); /* not terminated: Cat refuses and leaves it */
    CHECK(StringCchCatA(b, sizeof b, "q") == STRSAFE_E_INVALID_PARAMETER && b[0] == 'z');
    CHECK(StringCchPrintfA(big, sizeof big, "%d-%s", 42, "x") == S_OK && strcmp(big, "42-x") == 0);
    CHECK(StringCchPrintfA(b, sizeof b, "%s", "1234567") == S_OK); /* exactly fits */
    CHECK(StringCchPrintfA(b, sizeof b, "%d", 123456789) == STRSAFE_E_INSUFFICIENT_BUFFER);
    CHECK(strcmp(b, "1234567") == 0);
    CHECK(StringCbPrintfA(b, 4, "%s", "hello") == STRSAFE_E_INSUFFICIENT_BUFFER && strcmp(b, "hel") == 0);
    CHECK(vp(b, sizeof b, "%c%c", 'o', 'k') == S_OK && strcmp(b, "ok") == 0);
    CHECK(StringCchPrintf(b, 0, "x") == STRSAFE_E_INVALID_PARAMETER);
    CHECK(StringCchLengthA("hello", 10, &len) == S_OK && len == 5);
    CHECK(StringCchLengthA("hello", 5, &len) == STRSAFE_E_INVALID_PARAMETER && len == 0);
    CHECK(StringCchLengthA(NULL, 5, &len) == STRSAFE_E_INVALID_PARAMETER);
    CHECK(StringCbLengthA("abc", STRSAFE_MAX_CCH, &len) == S_OK && len == 3);
    CHECK(StringCchLength("abc", (size_t)STRSAFE_MAX_CCH + 1, &len) == STRSAFE_E_INVALID_PARAMETER);

    /* ---- tchar (ANSI) ---- */
    CHECK(sizeof(TCHAR) == 1 && sizeof(_TCHAR) == 1);
    _tcscpy(t, _T("Hello"));
    _tcscat(t, _T(", TCHAR"));
    CHECK(_tcslen(t) == 12 && _tcscmp(t, "Hello, TCHAR") == 0);
    CHECK(_tcsicmp(_T("ABC"), _T("abc")) == 0 && _tcsnicmp(_T("ABx"), _T("aby"), 2) == 0);
    CHECK(_ttoi(_T("123")) == 123 && _tcschr(t, ',') == t + 5);
    CHECK(_stprintf(t, _T("%d"), 7) == 1 && _tcscmp(t, "7") == 0);

    /* ---- C-runtime names ---- */
    CHECK(_stricmp("Hello", "hELLO") == 0 && _stricmp("a", "B") < 0 && _stricmp("b", "A") > 0);
    CHECK(_strnicmp("WinSock", "winsOCK2", 7) == 0 && _strnicmp("ab", "AC", 2) < 0);
    CHECK(sprintf_s(big, sizeof big, "%s %d", "n", 5) == 3 && strcmp(big, "n 5") == 0);
    CHECK(sprintf_s(b, sizeof b, "%s", "12345678") == -1 && b[0] == '\0');
    memset(b, '#', sizeof b);
    CHECK(_snprintf(b, 4, "%s", "abc") == 3 && strcmp(b, "abc") == 0);
    memset(b, '#', sizeof b);
    CHECK(_snprintf(b, 4, "%s", "abcd") == 4 && memcmp(b, "abcd#", 5) == 0); /* no NUL */
    memset(b, '#', sizeof b);
    CHECK(_snprintf(b, 4, "%s", "abcdef") == -1 && memcmp(b, "abcd#", 5) == 0);
    {
        char *d = _strdup("dup");
        CHECK(d != NULL && strcmp(_strupr(d), "DUP") == 0 && strcmp(_strlwr(d), "dup") == 0);
        free(d);
    }
    CHECK(strcmp(_itoa(-42, b, 10), "-42") == 0 && strcmp(_itoa(255, b, 16), "ff") == 0);
    CHECK(min(3, 4) == 3 && max(3, 4) == 4 && MAX_PATH == 260);

    /* ---- lstr* ---- */
    CHECK(lstrlenA("four") == 4 && lstrlenA(NULL) == 0);
    CHECK(lstrcpyA(t, "abc") == t && strcmp(t, "abc") == 0);
    CHECK(lstrcatA(t, "de") == t && strcmp(t, "abcde") == 0);
    CHECK(lstrcpynA(b, "abcdef", 4) == b && strcmp(b, "abc") == 0);
    CHECK(lstrcmpiA("ABC", "abc") == 0 && lstrcmpiA("abc", "abd") < 0 && lstrcmpiA("b", "A") > 0);
    CHECK(lstrcmpA("abc", "abc") == 0 && lstrcmpA("a", "B") < 0 && lstrcmpA("a", "A") < 0);
    CHECK(lstrcmpA("A", "a") > 0 && lstrcmp("abc", "abd") < 0);

    /* ---- code pages ---- */
    /* "héllo" in UTF-8: 6 bytes, 5 UTF-16 units; -1 counts the terminator. */
    n = MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9llo", -1, NULL, 0);
    CHECK(n == 6);
    CHECK(MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9llo", -1, w, 16) == 6);
    CHECK(w[0] == 'h' && w[1] == 0xE9 && w[4] == 'o' && w[5] == 0);
    CHECK(MultiByteToWideChar(CP_UTF8, 0, "h\xc3\xa9llo", 3, w, 16) == 2); /* no NUL */
    CHECK(MultiByteToWideChar(CP_ACP, 0, "abc", 3, w, 2) == 0 &&
          GetLastError() == ERROR_INSUFFICIENT_BUFFER);
    CHECK(MultiByteToWideChar(CP_UTF8, 0, "a\xff", 2, w, 16) == 2 && w[1] == 0xFFFD);
    CHECK(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xff", 2, w, 16) == 0 &&
          GetLastError() == ERROR_NO_UNICODE_TRANSLATION);
    CHECK(MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "a", 1, w, 16) == 0 &&
          GetLastError() == ERROR_INVALID_FLAGS);
    CHECK(MultiByteToWideChar(CP_UTF8, 0, "a", 0, w, 16) == 0 &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(MultiByteToWideChar(1252, 0, "a", 1, w, 16) == 0 &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    /* U+1F600 is a surrogate pair: 2 units, 4 UTF-8 bytes. */
    CHECK(MultiByteToWideChar(CP_UTF8, 0, "\xf0\x9f\x98\x80", 4, w, 16) == 2 &&
          w[0] == 0xD83D && w[1] == 0xDE00);
    CHECK(WideCharToMultiByte(CP_UTF8, 0, w, 2, NULL, 0, NULL, NULL) == 4);
    {
        WCHAR hw[] = {'h', 0xE9, 'l', 'l', 'o', 0};
        CHECK(WideCharToMultiByte(CP_UTF8, 0, hw, -1, NULL, 0, NULL, NULL) == 7);
        CHECK(WideCharToMultiByte(CP_UTF8, 0, hw, -1, m, 16, NULL, NULL) == 7 &&
              strcmp(m, "h\xc3\xa9llo") == 0);
        CHECK(WideCharToMultiByte(CP_UTF8, 0, hw, -1, m, 3, NULL, NULL) == 0 &&
              GetLastError() == ERROR_INSUFFICIENT_BUFFER);
        CHECK(WideCharToMultiByte(CP_UTF8, 0, hw, -1, m, 16, NULL, &used) == 0 &&
              GetLastError() == ERROR_INVALID_PARAMETER);
    }
    {
        WCHAR lone[] = {'a', 0xD800, 'b'};
        CHECK(WideCharToMultiByte(CP_ACP, 0, lone, 3, m, 16, NULL, &used) == 5 && used);
        CHECK((unsigned char)m[1] == 0xEF && (unsigned char)m[2] == 0xBF);
        CHECK(WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, 3, m, 16, NULL, NULL) == 0 &&
              GetLastError() == ERROR_NO_UNICODE_TRANSLATION);
    }
    {
        WCHAR ws[8], x[] = {'x', 'y', 0};
        CHECK(lstrcpyW(ws, x) == ws && lstrlenW(ws) == 2);
        CHECK(lstrcatW(ws, x) == ws && lstrlenW(ws) == 4 && lstrcmpW(ws, x) > 0);
        CHECK(lstrcmpiW(x, x) == 0 && lstrcpynW(ws, x, 2) == ws && lstrlenW(ws) == 1);
    }
    return finish("strings");
}
