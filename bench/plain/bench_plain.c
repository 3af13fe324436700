// SPDX-License-Identifier: GPL-2.0
/* bench.c, built without memsan: see ../Kbuild */
#include "../bench.c"
