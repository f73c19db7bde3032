/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_save_image.c: the project's save image file (layout in
 * domain_save.h): writing one safely, reading and checking one, and
 * replacing the XML it keeps.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain_save.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_save_image");

/* The XML of a domain is small; anything larger is not an image. */
#define VXL_SAVE_IMAGE_MAX_XML (16 * 1024 * 1024)
#define VXL_SAVE_IMAGE_BACKEND_LEN 16

static void
vxlPutLE32(unsigned char *p, uint32_t v)
{
    size_t i;

    for (i = 0; i < 4; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

static void
vxlPutLE64(unsigned char *p, uint64_t v)
{
    size_t i;

    for (i = 0; i < 8; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

static uint32_t
vxlGetLE32(const unsigned char *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t
vxlGetLE64(const unsigned char *p)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

char *
vxlSaveImageFormatDef(vxlDriver *driver, const virDomainDef *def)
{
    return virDomainDefFormat((virDomainDef *)def, driver->xmlopt,
                              VIR_DOMAIN_DEF_FORMAT_SECURE |
                              VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                              VIR_DOMAIN_DEF_FORMAT_MIGRATABLE);
}

int
vxlSaveImageCheckDef(const virDomainDef *orig, const virDomainDef *def)
{
    char a[VIR_UUID_STRING_BUFLEN];
    char b[VIR_UUID_STRING_BUFLEN];

    if (memcmp(orig->uuid, def->uuid, VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the new XML has uuid %s but the saved domain '%s' has uuid %s"),
                       virUUIDFormat(def->uuid, b), orig->name,
                       virUUIDFormat(orig->uuid, a));
        return -1;
    }
    if (STRNEQ(orig->name, def->name)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the new XML names domain '%s' but the saved domain is '%s'"),
                       def->name, orig->name);
        return -1;
    }
    return 0;
}

void
vxlSaveImageClose(vxlSaveImage *img)
{
    if (!img)
        return;
    VIR_FORCE_CLOSE(img->fd);
    g_clear_pointer(&img->path, g_free);
    g_clear_pointer(&img->xml, g_free);
    g_clear_pointer(&img->def, virDomainDefFree);
}

static int
vxlSaveImageBad(const char *path, const char *why)
{
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("'%s' is not a usable save image: %s"), path, why);
    return -1;
}

int
vxlSaveImageOpen(vxlDriver *driver, const char *path, vxlSaveImage *img)
{
    unsigned char hdr[VXL_SAVE_IMAGE_HEADER_LEN];
    char backend[VXL_SAVE_IMAGE_BACKEND_LEN + 1] = { 0 };
    const char *ours = vxlBackendName(driver->backend);
    uint32_t version;
    uint32_t xmlLen;
    struct stat sb;
    ssize_t got;

    memset(img, 0, sizeof(*img));
    img->fd = -1;
    if ((img->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("cannot open save image '%s'"), path);
        return -1;
    }
    img->path = g_strdup(path);
    if (fstat(img->fd, &sb) < 0) {
        virReportSystemError(errno, _("cannot read save image '%s'"), path);
        goto error;
    }
    if (!S_ISREG(sb.st_mode)) {
        vxlSaveImageBad(path, _("it is not a regular file"));
        goto error;
    }
    if ((got = saferead(img->fd, hdr, sizeof(hdr))) < 0) {
        virReportSystemError(errno, _("cannot read save image '%s'"), path);
        goto error;
    }
    if (got < (ssize_t)strlen(VXL_SAVE_IMAGE_MAGIC) ||
        memcmp(hdr, VXL_SAVE_IMAGE_MAGIC, strlen(VXL_SAVE_IMAGE_MAGIC)) != 0) {
        vxlSaveImageBad(path, _("it does not start with the virtxl save image magic"));
        goto error;
    }
    if (got < (ssize_t)sizeof(hdr)) {
        vxlSaveImageBad(path, _("it is truncated"));
        goto error;
    }
    version = vxlGetLE32(hdr + 16);
    if (version != VXL_SAVE_IMAGE_VERSION) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%s' has format version %u, but this driver reads version %u"),
                       path, version, VXL_SAVE_IMAGE_VERSION);
        goto error;
    }
    xmlLen = vxlGetLE32(hdr + 20);
    img->flags = vxlGetLE32(hdr + 24);
    memcpy(backend, hdr + 32, VXL_SAVE_IMAGE_BACKEND_LEN);
    img->streamLen = vxlGetLE64(hdr + 48);
    img->streamOffset = VXL_SAVE_IMAGE_HEADER_LEN + (unsigned long long)xmlLen;

    if (STRNEQ(backend, ours)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("save image '%s' was written by the '%s' backend, but this host runs the '%s' backend"),
                       path, backend, ours);
        goto error;
    }
    if (xmlLen < 2 || xmlLen > VXL_SAVE_IMAGE_MAX_XML) {
        vxlSaveImageBad(path, _("its header is corrupt"));
        goto error;
    }
    if (img->streamLen == 0 ||
        (unsigned long long)sb.st_size != img->streamOffset + img->streamLen) {
        vxlSaveImageBad(path, _("it is truncated"));
        goto error;
    }

    img->xml = g_new0(char, xmlLen + 1);
    if ((got = saferead(img->fd, img->xml, xmlLen)) != (ssize_t)xmlLen) {
        if (got < 0)
            virReportSystemError(errno, _("cannot read save image '%s'"), path);
        else
            vxlSaveImageBad(path, _("it is truncated"));
        goto error;
    }
    if (img->xml[xmlLen - 1] != '\0') {
        vxlSaveImageBad(path, _("its domain XML is corrupt"));
        goto error;
    }
    if (!(img->def = virDomainDefParseString(img->xml, driver->xmlopt, NULL,
                                             VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                             VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE)))
        goto error;
    return 0;

 error:
    vxlSaveImageClose(img);
    return -1;
}

char *
vxlSaveImageTmpPath(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);

    return g_strdup_printf("%s/.%s.vxl-partial", dir, base);
}

static int
vxlSaveImageWriteHeader(int fd, const char *ours, uint32_t xmlLen,
                        unsigned int flags, uint64_t streamLen)
{
    unsigned char hdr[VXL_SAVE_IMAGE_HEADER_LEN] = { 0 };

    memcpy(hdr, VXL_SAVE_IMAGE_MAGIC, strlen(VXL_SAVE_IMAGE_MAGIC));
    vxlPutLE32(hdr + 16, VXL_SAVE_IMAGE_VERSION);
    vxlPutLE32(hdr + 20, xmlLen);
    vxlPutLE32(hdr + 24, flags);
    g_strlcpy((char *)hdr + 32, ours, VXL_SAVE_IMAGE_BACKEND_LEN);
    vxlPutLE64(hdr + 48, streamLen);
    if (pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
        return -1;
    return 0;
}

int
vxlSaveImageCreate(vxlDriver *driver, const char *path,
                   const virDomainDef *def, unsigned int flags,
                   char **tmpPath)
{
    g_autofree char *xml = NULL;
    g_autofree char *tmp = vxlSaveImageTmpPath(path);
    size_t xmlLen;
    int fd;

    if (!(xml = vxlSaveImageFormatDef(driver, def)))
        return -1;
    xmlLen = strlen(xml) + 1;

    /* A stale temporary file is a crash's leftover of this same image. */
    ignore_value(unlink(tmp));
    if ((fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        virReportSystemError(errno, _("cannot create save image '%s'"), path);
        return -1;
    }
    if (vxlSaveImageWriteHeader(fd, vxlBackendName(driver->backend), xmlLen,
                                flags, 0) < 0 ||
        pwrite(fd, xml, xmlLen, VXL_SAVE_IMAGE_HEADER_LEN) != (ssize_t)xmlLen ||
        lseek(fd, VXL_SAVE_IMAGE_HEADER_LEN + xmlLen, SEEK_SET) < 0) {
        virReportSystemError(errno, _("cannot write save image '%s'"), path);
        vxlSaveImageDiscard(fd, tmp);
        return -1;
    }
    *tmpPath = g_steal_pointer(&tmp);
    return fd;
}

void
vxlSaveImageDiscard(int fd, const char *tmpPath)
{
    VIR_FORCE_CLOSE(fd);
    if (tmpPath && unlink(tmpPath) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the partial save image %s: %s",
                 tmpPath, g_strerror(errno));
}

int
vxlSaveImageFinish(int fd, const char *tmpPath, const char *path,
                   bool bypassCache, bool keepOnFailure)
{
    unsigned char hdr[VXL_SAVE_IMAGE_HEADER_LEN];
    off_t end;
    uint32_t xmlLen;

    if ((end = lseek(fd, 0, SEEK_END)) < 0 ||
        pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
        goto syserror;
    xmlLen = vxlGetLE32(hdr + 20);
    vxlPutLE64(hdr + 48, end - VXL_SAVE_IMAGE_HEADER_LEN - xmlLen);
    /* The stream is on disk before the header says it is complete. */
    if (fdatasync(fd) < 0 ||
        pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
        fdatasync(fd) < 0)
        goto syserror;
    if (bypassCache)
        ignore_value(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
    if (VIR_CLOSE(fd) < 0) {
        fd = -1;
        goto syserror;
    }
    if (rename(tmpPath, path) < 0)
        goto syserror;
    return 0;

 syserror:
    if (keepOnFailure) {
        virReportSystemError(errno,
                             _("cannot complete save image '%s'; the saved state is kept in '%s'"),
                             path, tmpPath);
        VIR_FORCE_CLOSE(fd);
    } else {
        virReportSystemError(errno, _("cannot complete save image '%s'"), path);
        vxlSaveImageDiscard(fd, tmpPath);
    }
    return -1;
}

int
vxlSaveImageRewrite(vxlDriver *driver, vxlSaveImage *img,
                    const virDomainDef *def, unsigned int flags)
{
    g_autofree char *tmp = NULL;
    g_autofree char *buf = g_new0(char, 1024 * 1024);
    unsigned long long left = img->streamLen;
    off_t off = img->streamOffset;
    int fd;

    if (vxlSaveImageCheckDef(img->def, def) < 0)
        return -1;
    if ((fd = vxlSaveImageCreate(driver, img->path, def, flags, &tmp)) < 0)
        return -1;
    while (left > 0) {
        size_t n = MIN(left, 1024 * 1024);
        ssize_t got = pread(img->fd, buf, n, off);

        if (got <= 0 || safewrite(fd, buf, got) != got) {
            virReportSystemError(got == 0 ? EIO : errno,
                                 _("cannot rewrite save image '%s'"), img->path);
            vxlSaveImageDiscard(fd, tmp);
            return -1;
        }
        left -= got;
        off += got;
    }
    return vxlSaveImageFinish(fd, tmp, img->path, false, false);
}
