# CMake toolchain file for the aarch64 cross build of the kernels and their consumers, with
# Debian's cross compiler and the arm64 packages of Debian multiarch (tools/setup.sh --aarch64):
#
#   cmake -S kernels -B build-aarch64 \
#     -DCMAKE_TOOLCHAIN_FILE=tools/cmake/aarch64-linux-gnu.toolchain.cmake
#
# CMake learns the multiarch directory (aarch64-linux-gnu) from the compiler, so find_package
# finds the arm64 package configs in /usr/lib/aarch64-linux-gnu/cmake, never the host's. The
# compiler searches its own C library headers (/usr/aarch64-linux-gnu/include) before
# /usr/include, where only architecture-independent headers such as xsimd's are then found.
# Programs it builds run on this x86-64 machine under qemu-aarch64, through ctest and try_run
# (CMAKE_CROSSCOMPILING_EMULATOR), on Debian's arm64 C library (/lib/ld-linux-aarch64.so.1).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

find_program(SIMD_MLP_QEMU_AARCH64 qemu-aarch64)
if(NOT SIMD_MLP_QEMU_AARCH64)
  message(FATAL_ERROR "aarch64-linux-gnu.toolchain.cmake: qemu-aarch64 not found; run "
                      "tools/setup.sh --aarch64")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${SIMD_MLP_QEMU_AARCH64}")
