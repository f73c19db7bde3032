/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot.h: domain snapshots in libvirt's snapshot XML, kept in
 * libvirt's own snapshot object list (vm->snapshots).
 *
 * What a snapshot is here:
 *  - of a shut-off domain: external, disk-only. Each selected disk (a
 *    file-backed qcow2 image) gets a qcow2 overlay whose backing file is
 *    the disk's image (`qemu-img create -f qcow2 -b BASE -F qcow2`), and
 *    the domain's definition is switched to the overlay; the base keeps
 *    the snapshot's state.
 *  - of a running (or paused) domain: its memory in a save image (the
 *    save machinery's, domain_save.h) plus the same external disk
 *    snapshots, taken while the guest stands still so memory and disks
 *    agree. Xen cannot point a running guest's disk at another file, so
 *    the guest carries on by being restored from the image it just
 *    wrote, onto the overlays (a new domid; STOPPED and STARTED events
 *    with the detail FROM_SNAPSHOT).
 *
 * Revert gives each disk a fresh overlay on the snapshot's base (so the
 * base, and every other snapshot built on it, stays unchanged) and, for
 * a snapshot with memory, restores the image onto those overlays.
 * Deleting a snapshot merges its overlay into its base when the
 * domain's disks build on it (domain_snapshot_merge.c), then drops its
 * metadata and memory image (domain_snapshot_delete.c).
 *
 * Metadata: one file per snapshot, <libDir>/snapshot/<domain>/<name>.xml
 * (libvirt's internal snapshot format, which records which one is
 * current), read again on first use after a daemon start (vxlSnapshotList).
 * Memory images default to
 * <name>.save beside it.
 *
 * Every function takes @vm locked; those that change anything take the
 * domain's job themselves. A failure leaves the domain, its disks and
 * the metadata as they were.
 */
#pragma once

#include "vxl_internal.h"
#include "vxl_driver.h"
#include "snapshot_conf.h"
#include "virdomainsnapshotobjlist.h"
#include "virjson.h"

/* --- metadata (domain_snapshot_meta.c) --- */

/* The directory of @vm's snapshot metadata (g_free). */
char *vxlSnapshotDir(vxlDriver *driver, const virDomainDef *def);

/* Write @snap's metadata (its current flag from the list). */
int vxlSnapshotWriteMetadata(vxlDriver *driver, virDomainObj *vm,
                             virDomainMomentObj *snap);

/* Remove @snap's metadata file; fine when there is none. */
int vxlSnapshotRemoveMetadata(vxlDriver *driver, virDomainObj *vm,
                              virDomainMomentObj *snap);

/* Make @snap (may be NULL) @vm's current snapshot, rewriting the
 * metadata of the old and the new current one. */
void vxlSnapshotSetCurrent(vxlDriver *driver, virDomainObj *vm,
                           virDomainMomentObj *snap);

/* @vm's snapshots (vm->snapshots), their metadata read from disk the
 * first time they are asked for. @vm locked. */
virDomainSnapshotObjList *vxlSnapshotList(vxlDriver *driver, virDomainObj *vm);

/* Read the snapshot metadata of every domain not read yet (a listing
 * of domains filtered by whether they have snapshots). */
void vxlSnapshotLoadAll(vxlDriver *driver);

/* Forget all of @vm's snapshots: metadata, the directory, and memory
 * images inside it (undefine with VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA). */
int vxlSnapshotDiscardAll(vxlDriver *driver, virDomainObj *vm);

/* --- the work (domain_snapshot.c) --- */

/* virDomainSnapshotCreateXML: the new snapshot's name (g_free), or
 * NULL. Flags beyond libvirt's basics: REUSE_EXT (the overlays exist
 * already and are checked), NO_METADATA (taken, then forgotten),
 * QUIESCE (with DISK_ONLY: the guest agent freezes the guest's
 * filesystems around it); LIVE is refused. */
char *vxlSnapshotCreate(vxlDriver *driver, virDomainObj *vm, const char *xml,
                        unsigned int flags);

/* virDomainRevertToSnapshot (flags RUNNING, PAUSED, FORCE); the
 * snapshot is looked up by @name once the job is held. */
int vxlSnapshotRevert(vxlDriver *driver, virDomainObj *vm,
                      const char *name, unsigned int flags);

/* virDomainSnapshotDelete (flags CHILDREN, CHILDREN_ONLY,
 * METADATA_ONLY). */
int vxlSnapshotDelete(vxlDriver *driver, virDomainObj *vm,
                      const char *name, unsigned int flags);

/* The snapshot @name of @vm, or VIR_ERR_NO_DOMAIN_SNAPSHOT. */
virDomainMomentObj *vxlSnapshotFind(vxlDriver *driver, virDomainObj *vm,
                                    const char *name);

/* Start @vm (shut off, job held) again from the save image at @path, on
 * the disks its image definition names unless @snapdef switches them. */
int vxlSnapshotResumeFrom(vxlDriver *driver, virDomainObj *vm, const char *path,
                          virDomainSnapshotDef *snapdef, bool paused);

/* --- crash recovery (domain_snapshot_recover.c) --- */

struct _vxlIntent;
/* Before the domains are matched with Xen: roll back a snapshot whose
 * stopped guest Xen still holds. */
void vxlSnapshotRecoverBegin(vxlDriver *driver, const struct _vxlIntent *intent);
/* After, job held on @vm: finish one whose guest was destroyed. */
void vxlSnapshotRecoverFinish(vxlDriver *driver, virDomainObj *vm,
                              const struct _vxlIntent *intent);
/* domain_snapshot_revert_recover.c: a revert a killed daemon left,
 * rolled back while the guest it was to destroy still runs, else
 * finished. @vm locked, job held. */
void vxlSnapshotRevertRecover(vxlDriver *driver, virDomainObj *vm,
                              const struct _vxlIntent *intent);
/* The revert of @vm to @snap, job held (an async one when the snapshot
 * has memory); for vxlSnapshotRevert and its recovery. */
/* After a revert switched @vm's definition away from @old: the overlays
 * of @old that a snapshot or revert made, that the definition no longer
 * uses and no snapshot's state is in, held only what the revert threw
 * away, and go. Failures are logged. */
void vxlSnapshotRevertDropOld(virDomainObj *vm, virDomainDef *old);

int vxlSnapshotRevertRun(vxlDriver *driver, virDomainObj *vm,
                         virDomainMomentObj *snap, unsigned int flags);
/* Forget @snap (--no-metadata): its files stay, as taken; the current
 * snapshot is the one before it again. */
void vxlSnapshotForget(vxlDriver *driver, virDomainObj *vm,
                       virDomainMomentObj *snap);
/* Memory images a daemon killed before intents were recorded left
 * half-written (or passing ones of disk-only snapshots of domains that
 * run), removed at start after the recovery. */
void vxlSnapshotRemoveStale(vxlDriver *driver);

/* --- disks (domain_snapshot_disk.c) --- */

/* @path's image metadata from qemu-img (-U: the guest may hold it). */
virJSONValue *vxlSnapshotImageInfo(const char *path);
/* The backing file of image @path as an absolute name: NULL when it has
 * none (@rc 0) or on error (reported, @rc -1). */
char *vxlSnapshotImageBacking(const char *path, int *rc);

/* Whether two paths name the same file (either may be relative to
 * @dir). */
bool vxlSnapshotSameFile(const char *a, const char *b, const char *dir);

/* --- the overlays the driver made (domain_snapshot_overlays.c) --- */

/* List the NULL-terminated @paths as overlays the driver makes for @vm,
 * before they are made. -1 (reported) when the list cannot be written:
 * then they must not be made. */
int vxlSnapshotOverlaysNote(vxlDriver *driver, virDomainObj *vm,
                            const char *const *paths);
/* Take @paths off the list: they are the user's now (a metadata-only
 * delete, a --no-metadata snapshot). Failures are logged. */
void vxlSnapshotOverlaysForget(vxlDriver *driver, virDomainObj *vm,
                               const char *const *paths);
/* Remove every listed overlay that no definition of @vm and no snapshot
 * is or builds on. Job held. Failures are logged; when a chain cannot
 * be read nothing is removed. */
void vxlSnapshotOverlaysCollect(vxlDriver *driver, virDomainObj *vm);
/* Make the overlays of the external disks of @def, listed first as the
 * driver's (with VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA in @flags they
 * are the user's: not listed); on failure none is made or listed. */
int vxlSnapshotOverlaysMake(vxlDriver *driver, virDomainObj *vm,
                            virDomainSnapshotDef *def, unsigned int flags);
/* Remove the overlays vxlSnapshotOverlaysMake made, and their names
 * from the list. Keeps the last error. */
void vxlSnapshotOverlaysUndo(vxlDriver *driver, virDomainObj *vm,
                             virDomainSnapshotDef *def);
/* The domain goes (undefine): its overlays are the user's now. */
void vxlSnapshotOverlaysDiscard(vxlDriver *driver, virDomainObj *vm);

/* --- merging on delete (domain_snapshot_merge.c) --- */

typedef struct _vxlSnapshotMerge vxlSnapshotMerge;
void vxlSnapshotMergeFree(vxlSnapshotMerge *merge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlSnapshotMerge, vxlSnapshotMergeFree);
/* Check, before anything changes, that the disks of the snapshots in
 * @victims (going together) can be dealt with: an overlay the domain's
 * disks build on is merged into its base (qemu-img commit), one nothing
 * uses is removed. Refused (VIR_ERR_OPERATION_INVALID, naming the
 * snapshot and file) while the domain runs on such an overlay, when its
 * base is another snapshot's state, and when an overlay the domain does
 * not use is another snapshot's state. */
vxlSnapshotMerge *vxlSnapshotMergePlan(vxlDriver *driver, virDomainObj *vm,
                                       GPtrArray *victims);
/* Carry out the plan's part for snapshot @snap (before its metadata
 * goes): each step leaves the disks consistent and can be run again
 * after a part of it was done (by a daemon killed in the middle).
 * @changed is set once a step is past its line: the base holds the
 * overlay's data, and the step has to be finished, not given up. */
int vxlSnapshotMergeRun(vxlDriver *driver, virDomainObj *vm,
                        vxlSnapshotMerge *merge, const char *snap,
                        bool *changed);
/* The plan as recorded in the delete's intent, and read back. */
virJSONValue *vxlSnapshotMergeToJSON(vxlSnapshotMerge *merge);
vxlSnapshotMerge *vxlSnapshotMergeFromJSON(virJSONValue *steps);

/* --- delete (domain_snapshot_delete.c) --- */

/* Finish the delete a killed daemon (or a failed write) left, from its
 * SNAPSHOT_DELETE intent; @vm locked, job held. Whether the intent has
 * to stay (the delete could not be finished past a merge's line). */
bool vxlSnapshotDeleteRecover(vxlDriver *driver, virDomainObj *vm,
                              const struct _vxlIntent *intent);

/* Check that every disk @snapdef selects can have an external qcow2
 * snapshot, and fill in the overlays' format. Errors name the disk:
 * VIR_ERR_CONFIG_UNSUPPORTED for a disk that cannot (raw, block device,
 * network disk, read-only) or a mode other than external,
 * VIR_ERR_OPERATION_INVALID when an overlay's file exists already
 * (unless @reuse: then it must exist, see vxlSnapshotOverlayCheckReuse).
 * Returns how many disks are selected. Called before
 * virDomainSnapshotAlignDisks with @def the domain's definition and
 * again after it. */
int vxlSnapshotDiskCheck(virDomainSnapshotDef *snapdef, virDomainDef *def,
                         bool aligned, bool reuse);

/* With VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT (@reuse above) an overlay
 * must exist already: a qcow2 image whose backing file is @base, the
 * image of disk @diskName. VIR_ERR_OPERATION_INVALID when it is missing
 * or sits on another file, VIR_ERR_CONFIG_UNSUPPORTED when it is not
 * qcow2. */
int vxlSnapshotOverlayCheckReuse(const char *path, const char *base,
                                 const char *diskName);

/* Create a qcow2 overlay at @path backed by the qcow2 image @base. The
 * file appears under its final name only once complete. */
int vxlSnapshotOverlayCreate(const char *base, const char *path);

/* Create the overlay of every selected disk of @snapdef; on failure
 * none is left. */
int vxlSnapshotOverlaysCreate(virDomainSnapshotDef *snapdef);

/* Remove the overlays of @snapdef (undoing vxlSnapshotOverlaysCreate). */
void vxlSnapshotOverlaysRemove(virDomainSnapshotDef *snapdef);

/* Point the disks of @def that @snapdef selects at their overlays
 * (qcow2), matching disks by target. */
void vxlSnapshotDefSwitchDisks(virDomainSnapshotDef *snapdef,
                               virDomainDef *def);
