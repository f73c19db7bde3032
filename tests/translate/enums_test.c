/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * enums_test.c: every table of src/conf/util_enums.c maps both ways.
 *
 * For each row, a value taken from any column leads back to that same
 * row through every other column: libvirt value <-> libxl value <->
 * libvirt spelling <-> xl.cfg spelling. This catches a duplicated key,
 * a typo in one direction, and a row that shadows another. Tables that
 * claim to cover a whole libvirt enum are checked for completeness, and
 * the libvirt and libxl spellings are checked against libvirt's and
 * libxl's own parsers.
 */
#include "vxl_internal.h"

#include <stdio.h>
#include <libxl.h>

#include "util_enums.h"

static int failures;

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "FAIL %s row %zu: ", table->name, i); \
            fprintf(stderr, __VA_ARGS__); \
            fprintf(stderr, "\n"); \
            failures++; \
        } \
    } while (0)


static void
vxlTestTable(const vxlEnumTable *table)
{
    size_t i;

    for (i = 0; i < table->nrows; i++) {
        const vxlEnumRow *row = &table->rows[i];

        CHECK(row->virName && row->cfg, "a spelling is missing");
        if (!row->virName || !row->cfg)
            continue;

        if (row->vir >= 0) {
            CHECK(vxlEnumVirToXl(table, row->vir) == row->xl,
                  "libvirt %d -> libxl %d, expected %d",
                  row->vir, vxlEnumVirToXl(table, row->vir), row->xl);
            if (table->virToString)
                CHECK(g_strcmp0(table->virToString(row->vir), row->virName) == 0,
                      "libvirt calls %d '%s', the table '%s'",
                      row->vir, table->virToString(row->vir), row->virName);
        }
        CHECK(vxlEnumXlToVir(table, row->xl) == row->vir,
              "libxl %d -> libvirt %d, expected %d",
              row->xl, vxlEnumXlToVir(table, row->xl), row->vir);
        CHECK(vxlEnumVirNameToXl(table, row->virName) == row->xl,
              "libvirt '%s' -> libxl %d, expected %d",
              row->virName, vxlEnumVirNameToXl(table, row->virName), row->xl);
        CHECK(g_strcmp0(vxlEnumXlToVirName(table, row->xl), row->virName) == 0,
              "libxl %d -> libvirt '%s', expected '%s'",
              row->xl, vxlEnumXlToVirName(table, row->xl), row->virName);
        CHECK(vxlEnumCfgToXl(table, row->cfg) == row->xl,
              "xl.cfg '%s' -> libxl %d, expected %d",
              row->cfg, vxlEnumCfgToXl(table, row->cfg), row->xl);
        CHECK(g_strcmp0(vxlEnumXlToCfg(table, row->xl), row->cfg) == 0,
              "libxl %d -> xl.cfg '%s', expected '%s'",
              row->xl, vxlEnumXlToCfg(table, row->xl), row->cfg);
    }

    /* Every value of the libvirt enum has a row. */
    for (i = 0; i < (size_t)table->virLast; i++) {
        CHECK(vxlEnumVirToXl(table, i) >= 0,
              "libvirt value %zu (%s) has no row", i,
              table->virToString ? table->virToString(i) : "?");
    }

    /* Values no table may hold. */
    i = table->nrows;
    CHECK(vxlEnumVirToXl(table, -1) < 0, "libvirt -1 maps");
    CHECK(vxlEnumVirNameToXl(table, NULL) < 0, "a NULL name maps");
    CHECK(vxlEnumCfgToXl(table, "no-such-value") < 0, "a bogus xl.cfg name maps");
}


/* The xl.cfg spellings of formats, backends and guest types are libxl's
 * own names, which libxl's parsers accept; lifecycle actions are xl's
 * (its on_*= parser is private to xl, so the names are spelled out). */
static void
vxlTestXlSpellings(void)
{
    static const char *const xlActions[] = {
        [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
        [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
        [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
        [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
        [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
        [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    };
    const vxlEnumTable *table;
    size_t i;

    table = &vxlEnumDiskFormat;
    for (i = 0; i < table->nrows; i++) {
        libxl_disk_format f;
        CHECK(libxl_disk_format_from_string(table->rows[i].cfg, &f) == 0 &&
              (int)f == table->rows[i].xl, "libxl does not read '%s'", table->rows[i].cfg);
    }
    table = &vxlEnumDiskBackend;
    for (i = 0; i < table->nrows; i++) {
        libxl_disk_backend b;
        CHECK(libxl_disk_backend_from_string(table->rows[i].cfg, &b) == 0 &&
              (int)b == table->rows[i].xl, "libxl does not read '%s'", table->rows[i].cfg);
    }
    table = &vxlEnumDomainType;
    for (i = 0; i < table->nrows; i++) {
        libxl_domain_type t;
        CHECK(libxl_domain_type_from_string(table->rows[i].cfg, &t) == 0 &&
              (int)t == table->rows[i].xl, "libxl does not read '%s'", table->rows[i].cfg);
    }
    table = &vxlEnumLifecycle;
    for (i = 0; i < table->nrows; i++) {
        int xl = table->rows[i].xl;
        CHECK(xl > 0 && xl < (int)G_N_ELEMENTS(xlActions) &&
              g_strcmp0(xlActions[xl], table->rows[i].cfg) == 0,
              "xl spells action %d differently", xl);
    }
}


int
main(void)
{
    size_t i;

    for (i = 0; i < vxlEnumTablesCount; i++)
        vxlTestTable(vxlEnumTables[i]);
    vxlTestXlSpellings();

    printf("%zu tables, %d failures\n", vxlEnumTablesCount, failures);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
