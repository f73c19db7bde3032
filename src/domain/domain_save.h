/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_save.h: a domain's state to disk and back - the save image file
 * (domain_save_image.c), save, restore and managed save (domain_save.c).
 *
 * The save image:
 *
 *   offset  size  field
 *        0    16  magic "VirtXL-SaveImage"
 *       16     4  version (1), little endian like every number here
 *       20     4  length of the domain XML, its NUL included
 *       24     4  flags: VXL_SAVE_IMAGE_RUNNING when the guest was
 *                 running (restore resumes it unless told otherwise)
 *       28     4  reserved, 0
 *       32    16  the backend that wrote the stream ("libxl", "sim"),
 *                 NUL padded
 *       48     8  length of the stream; 0 until the image is complete
 *       56     8  reserved, 0
 *       64     -  the domain XML (inactive, secure), then the backend's
 *                 stream (libxl's save stream, or the simulator's)
 *
 * An image is written under a temporary name in the same directory and
 * renamed once complete and synced, so that a crash never leaves a file
 * under the final name that looks complete and is not. Reading refuses a
 * file that is truncated, of another version, or of another backend,
 * with VIR_ERR_OPERATION_FAILED and a message that says which.
 */
#pragma once

#include "vxl_internal.h"
#include "vxl_driver.h"

#define VXL_SAVE_IMAGE_MAGIC "VirtXL-SaveImage"
#define VXL_SAVE_IMAGE_VERSION 1
#define VXL_SAVE_IMAGE_HEADER_LEN 64
#define VXL_SAVE_IMAGE_RUNNING 0x1

/* An open, checked image, positioned at the start of its stream. */
typedef struct _vxlSaveImage {
    int fd;                        /* -1 when closed */
    char *path;
    virDomainDef *def;             /* parsed from the image's XML */
    char *xml;
    unsigned int flags;            /* VXL_SAVE_IMAGE_* */
    unsigned long long streamOffset;
    unsigned long long streamLen;
} vxlSaveImage;

/* Open and check the image at @path, parse its XML. Errors:
 * VIR_ERR_SYSTEM_ERROR when it cannot be read (missing file),
 * VIR_ERR_OPERATION_FAILED when it is not a complete image of this
 * version and backend. */
int vxlSaveImageOpen(vxlDriver *driver, const char *path, vxlSaveImage *img);
void vxlSaveImageClose(vxlSaveImage *img);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlSaveImage, vxlSaveImageClose);

/* Start a new image for @def in a temporary file beside @path: header
 * (stream length 0) and XML written; the fd is positioned for the
 * stream. Returns the fd; *@tmpPath names the temporary file. */
int vxlSaveImageCreate(vxlDriver *driver, const char *path,
                       const virDomainDef *def, unsigned int flags,
                       char **tmpPath);
/* Complete the image: record the stream's length, sync (and drop it
 * from the page cache with @bypassCache), close @fd and rename
 * @tmpPath to @path. On failure @tmpPath is removed unless the
 * stream is the only copy of a guest's state (@keepOnFailure): then it
 * stays, and the error names it. */
int vxlSaveImageFinish(int fd, const char *tmpPath, const char *path,
                       bool bypassCache, bool keepOnFailure);
/* Throw away an image being written. */
void vxlSaveImageDiscard(int fd, const char *tmpPath);

/* Replace the XML (and flags) of the image at @path with @def's; the
 * stream is kept. The new XML must describe the same domain (uuid and
 * name): VIR_ERR_INVALID_ARG otherwise. */
int vxlSaveImageRewrite(vxlDriver *driver, vxlSaveImage *img,
                        const virDomainDef *def, unsigned int flags);

/* The XML of @def as images keep it (inactive, secure, migratable). */
char *vxlSaveImageFormatDef(vxlDriver *driver, const virDomainDef *def);

/* Check that @def may replace @img's definition: same uuid and name.
 * VIR_ERR_INVALID_ARG otherwise. */
int vxlSaveImageCheckDef(const virDomainDef *orig, const virDomainDef *def);

/* --- save, restore and managed save (domain_save.c) --- */

/* Where @vm's managed save image lives (g_free). */
char *vxlDomainManagedSavePath(vxlDriver *driver, virDomainObj *vm);

/* At daemon start: note which domains have a managed save image, and
 * remove images a crash left half-written. */
void vxlDomainManagedSaveScan(vxlDriver *driver);

/* Save running @vm (locked, no job) to @path, or to its managed save
 * image when @path is NULL; @dxml (may be NULL) replaces the XML kept in
 * the image. Flags: VIR_DOMAIN_SAVE_BYPASS_CACHE, _RUNNING, _PAUSED. An
 * asynchronous job (domjobinfo, domjobabort). On success the domain is
 * shut off (STOPPED_SAVED); on failure or abort it runs on as before and
 * no image is left. */
int vxlDomainSaveToImage(vxlDriver *driver, virDomainObj *vm, const char *path,
                         const char *dxml, unsigned int flags);

/* Restore the domain of the open image @img (virsh restore): a new or
 * existing inactive domain with the image's uuid and name. Flags:
 * VIR_DOMAIN_SAVE_RUNNING, _PAUSED, _BYPASS_CACHE. Returns the domain,
 * locked and referenced (virDomainObjEndAPI), or NULL. Refused with
 * VIR_ERR_OPERATION_INVALID when that domain is running. */
virDomainObj *vxlDomainRestoreFromImage(vxlDriver *driver, vxlSaveImage *img,
                                        unsigned int flags);

/* Start @vm (locked, no job): from its managed save image when it has
 * one and @flags lacks VIR_DOMAIN_START_FORCE_BOOT (which discards the
 * image), else by booting it. VIR_DOMAIN_START_PAUSED leaves it paused. */
int vxlDomainStartOrRestore(vxlDriver *driver, virDomainObj *vm,
                            unsigned int flags);

/* Remove @vm's managed save image (job held); fine when it has none. */
int vxlDomainManagedSaveDiscard(vxlDriver *driver, virDomainObj *vm);

/* Whether @vm has a finished managed save image: for a shut-off domain
 * as the disk says (and vm->hasManagedSave brought in line), for a
 * running one the flag (an image on disk may be of a save under way). */
bool vxlDomainHasManagedSave(vxlDriver *driver, virDomainObj *vm);

/* Let active @vm, which a save left suspended in Xen, carry on from its
 * suspend (paused if @paused). The thread's last error is kept; a
 * failure is logged. */
int vxlDomainSaveCancelSuspend(vxlDriver *driver, virDomainObj *vm,
                               bool paused);

/* The temporary name an image is written under beside @path (g_free). */
char *vxlSaveImageTmpPath(const char *path);
