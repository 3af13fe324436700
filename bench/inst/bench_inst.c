// SPDX-License-Identifier: GPL-2.0
/* bench.c, built with memsan.mk: see ../Kbuild */
#include "../bench.c"
