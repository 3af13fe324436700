// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the freestanding shadow library, built into memsan.ko.  It lives in
 * shadow/ so that the same code is unit-tested and fuzzed in userspace.
 */
#include "../../shadow/shadow.c"
