#pragma once
// libzstd, loaded at run time (`libzstd.so.1`), so that building tracereport needs no zstd
// headers and a machine without the library still reads every other input. Only what
// tracereport calls is declared, with the layouts of zstd.h (stable since zstd 1.0), as inline
// functions: a module of headers alone, like the other C modules here.
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/// Input of a streaming call: `pos` is how much of `src` was read.
typedef struct {
    const void *src;
    size_t size;
    size_t pos;
} CZstdInBuffer;

/// Output of a streaming call: `pos` is how much of `dst` was written.
typedef struct {
    void *dst;
    size_t size;
    size_t pos;
} CZstdOutBuffer;

/// The functions of libzstd tracereport calls, and why they could not be loaded (NULL once loaded).
typedef struct {
    void *(*createDCtx)(void);
    size_t (*freeDCtx)(void *);
    size_t (*decompressStream)(void *, CZstdOutBuffer *, CZstdInBuffer *);
    unsigned (*isError)(size_t);
    const char *(*getErrorName)(size_t);
    size_t (*compressBound)(size_t);
    size_t (*compress)(void *, size_t, const void *, size_t, int);
    const char *failure;
} CZstdLibrary;

static CZstdLibrary czstd_library = {0};
static pthread_once_t czstd_once = PTHREAD_ONCE_INIT;

static inline void czstd_open(void) {
    CZstdLibrary *library = &czstd_library;
    void *handle = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *message = dlerror();
        library->failure = message != NULL ? message : "libzstd.so.1 could not be loaded";
        return;
    }
    *(void **)&library->createDCtx = dlsym(handle, "ZSTD_createDCtx");
    *(void **)&library->freeDCtx = dlsym(handle, "ZSTD_freeDCtx");
    *(void **)&library->decompressStream = dlsym(handle, "ZSTD_decompressStream");
    *(void **)&library->isError = dlsym(handle, "ZSTD_isError");
    *(void **)&library->getErrorName = dlsym(handle, "ZSTD_getErrorName");
    *(void **)&library->compressBound = dlsym(handle, "ZSTD_compressBound");
    *(void **)&library->compress = dlsym(handle, "ZSTD_compress");
    if (!library->createDCtx || !library->freeDCtx || !library->decompressStream || !library->isError || !library->getErrorName
        || !library->compressBound || !library->compress) {
        library->failure = "libzstd.so.1 lacks a function tracereport needs (a zstd older than 1.0?)";
    }
}

/// Loads libzstd once (thread-safe); NULL when it is loaded, otherwise why it could not be
/// (the loader's message). The other functions may be called only after it returned NULL.
static inline const char *czstd_load(void) {
    pthread_once(&czstd_once, czstd_open);
    return czstd_library.failure;
}

/// ZSTD_createDCtx, ZSTD_freeDCtx, ZSTD_decompressStream.
static inline void *czstd_create_decompressor(void) { return czstd_library.createDCtx(); }
static inline void czstd_free_decompressor(void *context) { czstd_library.freeDCtx(context); }
static inline size_t czstd_decompress_stream(void *context, CZstdOutBuffer *output, CZstdInBuffer *input) {
    return czstd_library.decompressStream(context, output, input);
}

/// ZSTD_isError, ZSTD_getErrorName.
static inline unsigned czstd_is_error(size_t code) { return czstd_library.isError(code); }
static inline const char *czstd_error_name(size_t code) { return czstd_library.getErrorName(code); }

/// ZSTD_compressBound, ZSTD_compress (for tests).
static inline size_t czstd_compress_bound(size_t size) { return czstd_library.compressBound(size); }
static inline size_t czstd_compress(void *destination, size_t capacity, const void *source, size_t size, int level) {
    return czstd_library.compress(destination, capacity, source, size, level);
}
