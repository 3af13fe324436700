# SPDX-License-Identifier: GPL-2.0
#
# Instrument a kernel module with memsan.  In the module's Kbuild:
#
#   MEMSAN := /path/to/memsan
#   include $(MEMSAN)/kmod/memsan.mk
#
# Every object of the module is then built with gcc's kernel-address
# sanitizer in outline mode (every load and store calls memsan's
# __asan_{load,store}N_noabort), its calls to memcpy, memset, memmove and the
# str* functions go to memsan's checked versions, and modpost resolves those
# symbols against memsan's Module.symvers.

ifeq ($(MEMSAN),)
$(error memsan.mk: set MEMSAN to the memsan source tree before including it)
endif

# The shadow offset only has to be a constant gcc accepts: with outline
# checks (call threshold 0) and asan-stack=0 nothing dereferences it.
memsan_shadow_offset-x86   := 0xdffffc0000000000
memsan_shadow_offset-arm64 := 0xdfff800000000000
MEMSAN_SHADOW_OFFSET := $(memsan_shadow_offset-$(SRCARCH))
ifeq ($(MEMSAN_SHADOW_OFFSET),)
$(error memsan.mk: architecture $(SRCARCH) is not supported)
endif

# The slab functions memsan_redirect.h renames depend on the kernel: the same
# compile tests as memsan's own build (kmod/compat/conftest.sh) find which
# this kernel has, into a header included before memsan_redirect.h.  Only
# when building ('make clean' reads the Kbuild file too).
MEMSAN_HAVE_H := $(abspath $(obj))/.memsan_have.h
ifneq ($(filter %/scripts/Makefile.build,$(MAKEFILE_LIST)),)
memsan-conftest := $(shell $(CONFIG_SHELL) $(abspath $(MEMSAN))/kmod/compat/conftest.sh $(objtree) $(MEMSAN_HAVE_H) \
	$(CC) $(KBUILD_CPPFLAGS) $(LINUXINCLUDE) $(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE))
endif

MEMSAN_CFLAGS := -fsanitize=kernel-address \
	-fasan-shadow-offset=$(MEMSAN_SHADOW_OFFSET) \
	--param=asan-instrumentation-with-call-threshold=0 \
	--param=asan-stack=0 \
	--param=asan-globals=1 \
	-fsanitize-recover=kernel-address \
	-D__NO_FORTIFY \
	-include $(MEMSAN_HAVE_H) \
	-include $(MEMSAN)/kmod/memsan_redirect.h

ccflags-y += $(MEMSAN_CFLAGS)
KBUILD_EXTRA_SYMBOLS += $(MEMSAN)/kmod/Module.symvers
