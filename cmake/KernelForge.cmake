# Small helpers shared by the KernelForge CMake files.

# add_kf_library(name SOURCES... MLIR_LIBS <mlir libs> LINK_LIBS <other libs> DEPENDS <targets>)
# An MLIR-style library whose MLIR dependencies resolve to libMLIR.so.
function(add_kf_library name)
  cmake_parse_arguments(ARG "" "" "MLIR_LIBS;LINK_LIBS;DEPENDS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  set_property(GLOBAL APPEND PROPERTY KF_INSTALLED_LIBRARIES ${name})
endfunction()
