/* LoadLibrary/GetProcAddress/FreeLibrary/GetModuleHandle on the shim's own DLL names and on
 * a host library; GetVersionEx; GetComputerName. Sources: Microsoft's pages for
 * LoadLibraryA, GetProcAddress, GetVersionExA (6.2 for unmanifested programs),
 * GetComputerNameA (ERROR_BUFFER_OVERFLOW with the size needed). */
#include <winsock2.h>
#include <windows.h>
#include <ctype.h>
#include "check.h"

typedef int(WSAAPI *startup_fn)(WORD, LPWSADATA);
typedef DWORD(WINAPI *tick_fn)(void);
typedef double (*cos_fn)(double);

int main(void)
{
    HMODULE ws2, ws2b, msw, k32, libm, self;
    FARPROC f;
    WSADATA wsa;
    OSVERSIONINFOA vi;
    OSVERSIONINFOEXA vx;
    OSVERSIONINFOW vw;
    char name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD size;
    WCHAR wide[] = {'W', 'S', '2', '_', '3', '2', '.', 'D', 'L', 'L', 0};
    char path[MAX_PATH];

    ws2 = LoadLibraryA("ws2_32.dll");
    CHECK(ws2 != NULL);
    ws2b = LoadLibraryA("WS2_32");
    CHECK(ws2b == ws2); /* case and extension do not matter */
    CHECK(LoadLibraryW(wide) == ws2);
    CHECK(GetModuleHandleA("Ws2_32.dll") == ws2);
    f = GetProcAddress(ws2, "WSAStartup");
    CHECK(f != NULL && (void *)f == (void *)&WSAStartup);
    CHECK((void *)GetProcAddress(ws2, "WSASend") == (void *)&WSASend);
    CHECK((void *)GetProcAddress(ws2, "closesocket") == (void *)&closesocket);
    CHECK(((startup_fn)(void *)f)(MAKEWORD(2, 2), &wsa) == 0 && wsa.wVersion == MAKEWORD(2, 2));
    WSACleanup();
    CHECK(GetProcAddress(ws2, "NoSuchFunction") == NULL && GetLastError() == ERROR_PROC_NOT_FOUND);
    CHECK(GetProcAddress(ws2, (LPCSTR)(ULONG_PTR)5) == NULL && GetLastError() == ERROR_PROC_NOT_FOUND);
    msw = LoadLibraryA("mswsock.dll");
    CHECK(msw != NULL && msw != ws2);
    k32 = GetModuleHandleA("kernel32.dll");
    CHECK(k32 != NULL);
    CHECK((void *)GetProcAddress(k32, "GetTickCount") == (void *)&GetTickCount);
    CHECK(((tick_fn)(void *)GetProcAddress(k32, "GetTickCount"))() != 0 || 1);
    CHECK(FreeLibrary(ws2) && FreeLibrary(ws2b) && FreeLibrary(msw));

    /* A host library: dlopen underneath. */
    libm = LoadLibraryA("libm.so.6");
    CHECK(libm != NULL);
    f = GetProcAddress(libm, "cos");
    CHECK(f != NULL && ((cos_fn)(void *)f)(0.0) == 1.0);
    CHECK(FreeLibrary(libm));
    CHECK(LoadLibraryA("no-such-library.dll") == NULL && GetLastError() == ERROR_MOD_NOT_FOUND);
    CHECK(GetModuleHandleA("no-such-library.dll") == NULL && GetLastError() == ERROR_MOD_NOT_FOUND);
    CHECK(!FreeLibrary((HMODULE)(ULONG_PTR)0x1234) && GetLastError() == ERROR_MOD_NOT_FOUND);
    CHECK(GetProcAddress((HMODULE)(ULONG_PTR)0x1234, "x") == NULL &&
          GetLastError() == ERROR_MOD_NOT_FOUND);
    self = GetModuleHandleA(NULL);
    CHECK(self != NULL && GetModuleHandleW(NULL) == self);
    CHECK(GetModuleFileNameA(NULL, path, sizeof path) > 0 && strstr(path, "win32-module") != NULL);
    CHECK(GetModuleFileNameA(NULL, path, 3) == 3 && strlen(path) == 2 &&
          GetLastError() == ERROR_INSUFFICIENT_BUFFER);

    /* ---- version ---- */
    ZeroMemory(&vi, sizeof vi);
    vi.dwOSVersionInfoSize = sizeof vi;
    CHECK(GetVersionExA(&vi));
    CHECK(vi.dwMajorVersion == 6 && vi.dwMinorVersion == 2 && vi.dwBuildNumber == 9200);
    CHECK(vi.dwPlatformId == VER_PLATFORM_WIN32_NT && vi.szCSDVersion[0] == '\0');
    ZeroMemory(&vx, sizeof vx);
    vx.dwOSVersionInfoSize = sizeof vx;
    CHECK(GetVersionExA((LPOSVERSIONINFOA)&vx) && vx.wProductType == VER_NT_WORKSTATION &&
          vx.wServicePackMajor == 0 && vx.dwMajorVersion == 6);
    vi.dwOSVersionInfoSize = 12;
    CHECK(!GetVersionExA(&vi) && GetLastError() == ERROR_INSUFFICIENT_BUFFER);
    ZeroMemory(&vw, sizeof vw);
    vw.dwOSVersionInfoSize = sizeof vw;
    CHECK(GetVersionExW(&vw) && vw.dwMinorVersion == 2);
    CHECK(LOBYTE(LOWORD(GetVersion())) == 6 && HIBYTE(LOWORD(GetVersion())) == 2 &&
          HIWORD(GetVersion()) == 9200);

    /* ---- computer name ---- */
    size = sizeof name;
    CHECK(GetComputerNameA(name, &size));
    CHECK(size == strlen(name) && size >= 1 && size <= MAX_COMPUTERNAME_LENGTH);
    {
        DWORD i, upper = 1;
        for (i = 0; i < size; i++)
            upper &= !islower((unsigned char)name[i]);
        CHECK(upper);
    }
    {
        DWORD small = 1, need = size;
        CHECK(!GetComputerNameA(name, &small) && GetLastError() == ERROR_BUFFER_OVERFLOW);
        CHECK(small == need + 1); /* the size needed, terminator included */
    }
    {
        WCHAR wn[MAX_COMPUTERNAME_LENGTH + 1];
        DWORD wsize = MAX_COMPUTERNAME_LENGTH + 1;
        CHECK(GetComputerNameW(wn, &wsize) && wsize == size && wn[0] == (WCHAR)name[0]);
    }
    return finish("module");
}
