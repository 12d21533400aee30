/* Win32 functions of the wsp porting shim. Each one is exported as wsp_<Name> and the
 * Windows name is a macro for it, so nothing here interposes on a libc symbol. The A/W
 * pairs follow UNICODE as Windows' headers do. The Interlocked family is static inline
 * over the compiler's __atomic builtins (full barriers, as on Windows). */
#ifndef WSP_WIN32_API_H
#define WSP_WIN32_API_H

#include "win32_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- last error ---- */
DWORD WINAPI wsp_GetLastError(void);
VOID WINAPI wsp_SetLastError(DWORD dwErrCode);
#define GetLastError wsp_GetLastError
#define SetLastError wsp_SetLastError

/* ---- sleeping, APCs ---- */
VOID WINAPI wsp_Sleep(DWORD dwMilliseconds);
DWORD WINAPI wsp_SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI wsp_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
#define Sleep wsp_Sleep
#define SleepEx wsp_SleepEx
#define QueueUserAPC wsp_QueueUserAPC

/* ---- events and waits ---- */
HANDLE WINAPI wsp_CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                               BOOL bInitialState, LPCSTR lpName);
HANDLE WINAPI wsp_CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                               BOOL bInitialState, LPCWSTR lpName);
BOOL WINAPI wsp_SetEvent(HANDLE hEvent);
BOOL WINAPI wsp_ResetEvent(HANDLE hEvent);
DWORD WINAPI wsp_WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI wsp_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WINAPI wsp_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                        DWORD dwMilliseconds);
DWORD WINAPI wsp_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds, BOOL bAlertable);
BOOL WINAPI wsp_CloseHandle(HANDLE hObject);
#define CreateEventA wsp_CreateEventA
#define CreateEventW wsp_CreateEventW
#define SetEvent wsp_SetEvent
#define ResetEvent wsp_ResetEvent
#define WaitForSingleObject wsp_WaitForSingleObject
#define WaitForSingleObjectEx wsp_WaitForSingleObjectEx
#define WaitForMultipleObjects wsp_WaitForMultipleObjects
#define WaitForMultipleObjectsEx wsp_WaitForMultipleObjectsEx
#define CloseHandle wsp_CloseHandle

/* ---- threads and processes ---- */
HANDLE WINAPI wsp_CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                               LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                               DWORD dwCreationFlags, LPDWORD lpThreadId);
BOOL WINAPI wsp_GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
DWORD WINAPI wsp_ResumeThread(HANDLE hThread);
DWORD WINAPI wsp_GetThreadId(HANDLE Thread);
HANDLE WINAPI wsp_GetCurrentThread(void);
HANDLE WINAPI wsp_GetCurrentProcess(void);
DWORD WINAPI wsp_GetCurrentThreadId(void);
DWORD WINAPI wsp_GetCurrentProcessId(void);
#define CreateThread wsp_CreateThread
#define GetExitCodeThread wsp_GetExitCodeThread
#define ResumeThread wsp_ResumeThread
#define GetThreadId wsp_GetThreadId
#define GetCurrentThread wsp_GetCurrentThread
#define GetCurrentProcess wsp_GetCurrentProcess
#define GetCurrentThreadId wsp_GetCurrentThreadId
#define GetCurrentProcessId wsp_GetCurrentProcessId

/* ---- time, system ---- */
DWORD WINAPI wsp_GetTickCount(void);
ULONGLONG WINAPI wsp_GetTickCount64(void);
BOOL WINAPI wsp_QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL WINAPI wsp_QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);
VOID WINAPI wsp_GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
#define GetTickCount wsp_GetTickCount
#define GetTickCount64 wsp_GetTickCount64
#define QueryPerformanceCounter wsp_QueryPerformanceCounter
#define QueryPerformanceFrequency wsp_QueryPerformanceFrequency
#define GetSystemInfo wsp_GetSystemInfo

/* ---- critical sections ---- */
VOID WINAPI wsp_InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI wsp_InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                      DWORD dwSpinCount);
VOID WINAPI wsp_EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI wsp_TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI wsp_LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI wsp_DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
#define InitializeCriticalSection wsp_InitializeCriticalSection
#define InitializeCriticalSectionAndSpinCount wsp_InitializeCriticalSectionAndSpinCount
#define EnterCriticalSection wsp_EnterCriticalSection
#define TryEnterCriticalSection wsp_TryEnterCriticalSection
#define LeaveCriticalSection wsp_LeaveCriticalSection
#define DeleteCriticalSection wsp_DeleteCriticalSection

/* ---- completion ports ---- */
HANDLE WINAPI wsp_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                         ULONG_PTR CompletionKey,
                                         DWORD NumberOfConcurrentThreads);
BOOL WINAPI wsp_GetQueuedCompletionStatus(HANDLE CompletionPort,
                                          LPDWORD lpNumberOfBytesTransferred,
                                          PULONG_PTR lpCompletionKey,
                                          LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds);
BOOL WINAPI wsp_GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                            LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                            ULONG ulCount, PULONG ulNumEntriesRemoved,
                                            DWORD dwMilliseconds, BOOL fAlertable);
BOOL WINAPI wsp_PostQueuedCompletionStatus(HANDLE CompletionPort,
                                           DWORD dwNumberOfBytesTransferred,
                                           ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);
#define CreateIoCompletionPort wsp_CreateIoCompletionPort
#define GetQueuedCompletionStatus wsp_GetQueuedCompletionStatus
#define GetQueuedCompletionStatusEx wsp_GetQueuedCompletionStatusEx
#define PostQueuedCompletionStatus wsp_PostQueuedCompletionStatus

/* ---- window classes, message-only windows, message loops ---- */
ATOM WINAPI wsp_RegisterClassA(const WNDCLASSA *lpWndClass);
ATOM WINAPI wsp_RegisterClassW(const WNDCLASSW *lpWndClass);
ATOM WINAPI wsp_RegisterClassExA(const WNDCLASSEXA *lpWndClass);
ATOM WINAPI wsp_RegisterClassExW(const WNDCLASSEXW *lpWndClass);
BOOL WINAPI wsp_UnregisterClassA(LPCSTR lpClassName, HINSTANCE hInstance);
BOOL WINAPI wsp_UnregisterClassW(LPCWSTR lpClassName, HINSTANCE hInstance);
HWND WINAPI wsp_CreateWindowExA(DWORD dwExStyle, LPCSTR lpClassName, LPCSTR lpWindowName,
                                DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                LPVOID lpParam);
HWND WINAPI wsp_CreateWindowExW(DWORD dwExStyle, LPCWSTR lpClassName, LPCWSTR lpWindowName,
                                DWORD dwStyle, int X, int Y, int nWidth, int nHeight,
                                HWND hWndParent, HMENU hMenu, HINSTANCE hInstance,
                                LPVOID lpParam);
BOOL WINAPI wsp_DestroyWindow(HWND hWnd);
BOOL WINAPI wsp_IsWindow(HWND hWnd);
BOOL WINAPI wsp_ShowWindow(HWND hWnd, int nCmdShow);
BOOL WINAPI wsp_UpdateWindow(HWND hWnd);
LRESULT WINAPI wsp_DefWindowProcA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_DefWindowProcW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LONG_PTR WINAPI wsp_GetWindowLongPtrA(HWND hWnd, int nIndex);
LONG_PTR WINAPI wsp_GetWindowLongPtrW(HWND hWnd, int nIndex);
LONG_PTR WINAPI wsp_SetWindowLongPtrA(HWND hWnd, int nIndex, LONG_PTR dwNewLong);
LONG_PTR WINAPI wsp_SetWindowLongPtrW(HWND hWnd, int nIndex, LONG_PTR dwNewLong);
BOOL WINAPI wsp_GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI wsp_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
BOOL WINAPI wsp_PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg);
BOOL WINAPI wsp_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg);
BOOL WINAPI wsp_TranslateMessage(const MSG *lpMsg);
LRESULT WINAPI wsp_DispatchMessageA(const MSG *lpMsg);
LRESULT WINAPI wsp_DispatchMessageW(const MSG *lpMsg);
BOOL WINAPI wsp_PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostThreadMessageA(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
BOOL WINAPI wsp_PostThreadMessageW(DWORD idThread, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_SendMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
LRESULT WINAPI wsp_SendMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
VOID WINAPI wsp_PostQuitMessage(int nExitCode);

#define RegisterClassA wsp_RegisterClassA
#define RegisterClassW wsp_RegisterClassW
#define RegisterClassExA wsp_RegisterClassExA
#define RegisterClassExW wsp_RegisterClassExW
#define UnregisterClassA wsp_UnregisterClassA
#define UnregisterClassW wsp_UnregisterClassW
#define CreateWindowExA wsp_CreateWindowExA
#define CreateWindowExW wsp_CreateWindowExW
#define CreateWindowA(c, n, s, x, y, w, h, p, m, i, l) \
    wsp_CreateWindowExA(0L, c, n, s, x, y, w, h, p, m, i, l)
#define CreateWindowW(c, n, s, x, y, w, h, p, m, i, l) \
    wsp_CreateWindowExW(0L, c, n, s, x, y, w, h, p, m, i, l)
#define DestroyWindow wsp_DestroyWindow
#define IsWindow wsp_IsWindow
#define ShowWindow wsp_ShowWindow
#define UpdateWindow wsp_UpdateWindow
#define DefWindowProcA wsp_DefWindowProcA
#define DefWindowProcW wsp_DefWindowProcW
#define GetWindowLongPtrA wsp_GetWindowLongPtrA
#define GetWindowLongPtrW wsp_GetWindowLongPtrW
#define SetWindowLongPtrA wsp_SetWindowLongPtrA
#define SetWindowLongPtrW wsp_SetWindowLongPtrW
#define GetMessageA wsp_GetMessageA
#define GetMessageW wsp_GetMessageW
#define PeekMessageA wsp_PeekMessageA
#define PeekMessageW wsp_PeekMessageW
#define TranslateMessage wsp_TranslateMessage
#define DispatchMessageA wsp_DispatchMessageA
#define DispatchMessageW wsp_DispatchMessageW
#define PostMessageA wsp_PostMessageA
#define PostMessageW wsp_PostMessageW
#define PostThreadMessageA wsp_PostThreadMessageA
#define PostThreadMessageW wsp_PostThreadMessageW
#define SendMessageA wsp_SendMessageA
#define SendMessageW wsp_SendMessageW
#define PostQuitMessage wsp_PostQuitMessage


/* ---- handles ---- */
BOOL WINAPI wsp_DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                                DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);
#define DuplicateHandle wsp_DuplicateHandle

/* ---- process and thread end ---- */
#ifndef DECLSPEC_NORETURN
#if defined(__GNUC__) || defined(__clang__)
#define DECLSPEC_NORETURN __attribute__((noreturn))
#else
#define DECLSPEC_NORETURN
#endif
#endif
DECLSPEC_NORETURN VOID WINAPI wsp_ExitProcess(UINT uExitCode);
DECLSPEC_NORETURN VOID WINAPI wsp_ExitThread(DWORD dwExitCode);
#define ExitProcess wsp_ExitProcess
#define ExitThread wsp_ExitThread

/* ---- heaps, local and global memory ---- */
HANDLE WINAPI wsp_GetProcessHeap(void);
HANDLE WINAPI wsp_HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize);
BOOL WINAPI wsp_HeapDestroy(HANDLE hHeap);
LPVOID WINAPI wsp_HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
LPVOID WINAPI wsp_HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
BOOL WINAPI wsp_HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
SIZE_T WINAPI wsp_HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
HLOCAL WINAPI wsp_LocalAlloc(UINT uFlags, SIZE_T uBytes);
HLOCAL WINAPI wsp_LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags);
HLOCAL WINAPI wsp_LocalFree(HLOCAL hMem);
SIZE_T WINAPI wsp_LocalSize(HLOCAL hMem);
#define GetProcessHeap wsp_GetProcessHeap
#define HeapCreate wsp_HeapCreate
#define HeapDestroy wsp_HeapDestroy
#define HeapAlloc wsp_HeapAlloc
#define HeapReAlloc wsp_HeapReAlloc
#define HeapFree wsp_HeapFree
#define HeapSize wsp_HeapSize
#define LocalAlloc wsp_LocalAlloc
#define LocalReAlloc wsp_LocalReAlloc
#define LocalFree wsp_LocalFree
#define LocalSize wsp_LocalSize
#define GlobalAlloc wsp_LocalAlloc
#define GlobalReAlloc wsp_LocalReAlloc
#define GlobalFree wsp_LocalFree
#define GlobalSize wsp_LocalSize

/* ---- virtual memory ---- */
LPVOID WINAPI wsp_VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                               DWORD flProtect);
BOOL WINAPI wsp_VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                               PDWORD lpflOldProtect);
BOOL WINAPI wsp_VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
SIZE_T WINAPI wsp_VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
                               SIZE_T dwLength);
#define VirtualAlloc wsp_VirtualAlloc
#define VirtualProtect wsp_VirtualProtect
#define VirtualFree wsp_VirtualFree
#define VirtualQuery wsp_VirtualQuery

/* ---- modules ---- */
HMODULE WINAPI wsp_LoadLibraryA(LPCSTR lpLibFileName);
HMODULE WINAPI wsp_LoadLibraryW(LPCWSTR lpLibFileName);
HMODULE WINAPI wsp_LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
HMODULE WINAPI wsp_LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags);
BOOL WINAPI wsp_FreeLibrary(HMODULE hLibModule);
FARPROC WINAPI wsp_GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
HMODULE WINAPI wsp_GetModuleHandleA(LPCSTR lpModuleName);
HMODULE WINAPI wsp_GetModuleHandleW(LPCWSTR lpModuleName);
DWORD WINAPI wsp_GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
#define LoadLibraryA wsp_LoadLibraryA
#define LoadLibraryW wsp_LoadLibraryW
#define LoadLibraryExA wsp_LoadLibraryExA
#define LoadLibraryExW wsp_LoadLibraryExW
#define FreeLibrary wsp_FreeLibrary
#define GetProcAddress wsp_GetProcAddress
#define GetModuleHandleA wsp_GetModuleHandleA
#define GetModuleHandleW wsp_GetModuleHandleW
#define GetModuleFileNameA wsp_GetModuleFileNameA

/* ---- console ---- */
BOOL WINAPI wsp_SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine, BOOL Add);
BOOL WINAPI wsp_GenerateConsoleCtrlEvent(DWORD dwCtrlEvent, DWORD dwProcessGroupId);
HANDLE WINAPI wsp_GetStdHandle(DWORD nStdHandle);
BOOL WINAPI wsp_WriteConsoleA(HANDLE hConsoleOutput, const VOID *lpBuffer,
                              DWORD nNumberOfCharsToWrite, LPDWORD lpNumberOfCharsWritten,
                              LPVOID lpReserved);
BOOL WINAPI wsp_WriteConsoleW(HANDLE hConsoleOutput, const VOID *lpBuffer,
                              DWORD nNumberOfCharsToWrite, LPDWORD lpNumberOfCharsWritten,
                              LPVOID lpReserved);
BOOL WINAPI wsp_WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                          LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
BOOL WINAPI wsp_ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                         LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
#define SetConsoleCtrlHandler wsp_SetConsoleCtrlHandler
#define GenerateConsoleCtrlEvent wsp_GenerateConsoleCtrlEvent
#define GetStdHandle wsp_GetStdHandle
#define WriteConsoleA wsp_WriteConsoleA
#define WriteConsoleW wsp_WriteConsoleW
#define WriteFile wsp_WriteFile
#define ReadFile wsp_ReadFile

/* ---- thread-local storage ---- */
DWORD WINAPI wsp_TlsAlloc(void);
LPVOID WINAPI wsp_TlsGetValue(DWORD dwTlsIndex);
BOOL WINAPI wsp_TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue);
BOOL WINAPI wsp_TlsFree(DWORD dwTlsIndex);
#define TlsAlloc wsp_TlsAlloc
#define TlsGetValue wsp_TlsGetValue
#define TlsSetValue wsp_TlsSetValue
#define TlsFree wsp_TlsFree

/* ---- strings and code pages ---- */
int WINAPI wsp_MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCSTR lpMultiByteStr,
                                   int cbMultiByte, LPWSTR lpWideCharStr, int cchWideChar);
int WINAPI wsp_WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWSTR lpWideCharStr,
                                   int cchWideChar, LPSTR lpMultiByteStr, int cbMultiByte,
                                   LPCSTR lpDefaultChar, LPBOOL lpUsedDefaultChar);
int WINAPI wsp_lstrlenA(LPCSTR lpString);
int WINAPI wsp_lstrlenW(LPCWSTR lpString);
LPSTR WINAPI wsp_lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI wsp_lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
LPSTR WINAPI wsp_lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
LPWSTR WINAPI wsp_lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength);
LPSTR WINAPI wsp_lstrcatA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI wsp_lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);
int WINAPI wsp_lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI wsp_lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
int WINAPI wsp_lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI wsp_lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);
#define MultiByteToWideChar wsp_MultiByteToWideChar
#define WideCharToMultiByte wsp_WideCharToMultiByte
#define lstrlenA wsp_lstrlenA
#define lstrlenW wsp_lstrlenW
#define lstrcpyA wsp_lstrcpyA
#define lstrcpyW wsp_lstrcpyW
#define lstrcpynA wsp_lstrcpynA
#define lstrcpynW wsp_lstrcpynW
#define lstrcatA wsp_lstrcatA
#define lstrcatW wsp_lstrcatW
#define lstrcmpA wsp_lstrcmpA
#define lstrcmpW wsp_lstrcmpW
#define lstrcmpiA wsp_lstrcmpiA
#define lstrcmpiW wsp_lstrcmpiW

/* ---- version, computer name ---- */
BOOL WINAPI wsp_GetVersionExA(LPOSVERSIONINFOA lpVersionInformation);
BOOL WINAPI wsp_GetVersionExW(LPOSVERSIONINFOW lpVersionInformation);
DWORD WINAPI wsp_GetVersion(void);
BOOL WINAPI wsp_GetComputerNameA(LPSTR lpBuffer, LPDWORD nSize);
BOOL WINAPI wsp_GetComputerNameW(LPWSTR lpBuffer, LPDWORD nSize);
#define GetVersionExA wsp_GetVersionExA
#define GetVersionExW wsp_GetVersionExW
#define GetVersion wsp_GetVersion
#define GetComputerNameA wsp_GetComputerNameA
#define GetComputerNameW wsp_GetComputerNameW

/* ---- waiting for messages and objects ---- */
DWORD WINAPI wsp_MsgWaitForMultipleObjects(DWORD nCount, const HANDLE *pHandles, BOOL fWaitAll,
                                           DWORD dwMilliseconds, DWORD dwWakeMask);
DWORD WINAPI wsp_MsgWaitForMultipleObjectsEx(DWORD nCount, const HANDLE *pHandles,
                                             DWORD dwMilliseconds, DWORD dwWakeMask,
                                             DWORD dwFlags);
#define MsgWaitForMultipleObjects wsp_MsgWaitForMultipleObjects
#define MsgWaitForMultipleObjectsEx wsp_MsgWaitForMultipleObjectsEx

#ifdef UNICODE
#define CreateEvent CreateEventW
#define RegisterClass RegisterClassW
#define RegisterClassEx RegisterClassExW
#define UnregisterClass UnregisterClassW
#define CreateWindowEx CreateWindowExW
#define CreateWindow CreateWindowW
#define DefWindowProc DefWindowProcW
#define GetWindowLongPtr GetWindowLongPtrW
#define SetWindowLongPtr SetWindowLongPtrW
#define GetMessage GetMessageW
#define PeekMessage PeekMessageW
#define DispatchMessage DispatchMessageW
#define PostMessage PostMessageW
#define PostThreadMessage PostThreadMessageW
#define SendMessage SendMessageW
#define LoadLibrary LoadLibraryW
#define LoadLibraryEx LoadLibraryExW
#define GetModuleHandle GetModuleHandleW
#define WriteConsole WriteConsoleW
#define GetVersionEx GetVersionExW
#define GetComputerName GetComputerNameW
#define lstrlen lstrlenW
#define lstrcpy lstrcpyW
#define lstrcpyn lstrcpynW
#define lstrcat lstrcatW
#define lstrcmp lstrcmpW
#define lstrcmpi lstrcmpiW
#else
#define CreateEvent CreateEventA
#define RegisterClass RegisterClassA
#define RegisterClassEx RegisterClassExA
#define UnregisterClass UnregisterClassA
#define CreateWindowEx CreateWindowExA
#define CreateWindow CreateWindowA
#define DefWindowProc DefWindowProcA
#define GetWindowLongPtr GetWindowLongPtrA
#define SetWindowLongPtr SetWindowLongPtrA
#define GetMessage GetMessageA
#define PeekMessage PeekMessageA
#define DispatchMessage DispatchMessageA
#define PostMessage PostMessageA
#define PostThreadMessage PostThreadMessageA
#define SendMessage SendMessageA
#define LoadLibrary LoadLibraryA
#define LoadLibraryEx LoadLibraryExA
#define GetModuleHandle GetModuleHandleA
#define GetModuleFileName GetModuleFileNameA
#define WriteConsole WriteConsoleA
#define GetVersionEx GetVersionExA
#define GetComputerName GetComputerNameA
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#endif

/* ---- memory helpers (winnt.h / minwinbase.h macros over the C library;
 * SecureZeroMemory is in win32_crt.h) ---- */
#ifndef RtlZeroMemory
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#endif
#ifndef RtlFillMemory
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#endif
#ifndef RtlCopyMemory
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#endif
#ifndef RtlMoveMemory
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#endif
#ifndef RtlEqualMemory
#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
#endif
#ifndef ZeroMemory
#define ZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#endif
#ifndef FillMemory
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#endif
#ifndef CopyMemory
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#endif
#ifndef MoveMemory
#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#endif

/* ---- interlocked operations (each a full barrier, returning what Windows returns) ---- */
static inline LONG InterlockedIncrement(LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedDecrement(LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange,
                                              LONG Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedIncrement64(LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedDecrement64(LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedExchange64(LONG64 volatile *Target, LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedExchangeAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG64 InterlockedCompareExchange64(LONG64 volatile *Destination, LONG64 Exchange,
                                                  LONG64 Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination,
                                                      PVOID Exchange, PVOID Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
#ifndef MemoryBarrier
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#ifdef __cplusplus
}
#endif

#endif /* WSP_WIN32_API_H */
