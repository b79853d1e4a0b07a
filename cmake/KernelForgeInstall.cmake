# `cmake --install`: headers (source and generated), the libraries as
# imported targets KernelForge::<name> with a KernelForgeConfig.cmake for
# find_package(KernelForge), the tools and the Python package.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(KF_INSTALLED_LIBRARIES GLOBAL PROPERTY KF_INSTALLED_LIBRARIES)
list(APPEND KF_INSTALLED_LIBRARIES KFRuntime)
install(TARGETS ${KF_INSTALLED_LIBRARIES}
  EXPORT KernelForgeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS kernelforge_cuda_runtime
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

install(DIRECTORY include/kernelforge DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/kernelforge
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.inc")

install(TARGETS kernelforge-opt kernelforge-compile kernelforge-run
  kernelforge-gpt2 kernelforge-gpt2-graph kernelforge-gpt2-run kernelforge-generate
  kernelforge-tune kernelforge-tokenize kernelforge-classify
  kernelforge-bench
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

if(KF_PYTHON_API)
  install(DIRECTORY ${KF_PYTHON_PACKAGE_DIR} DESTINATION python_packages
    USE_SOURCE_PERMISSIONS PATTERN "__pycache__" EXCLUDE)
endif()

set(KF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/KernelForge)
install(EXPORT KernelForgeTargets NAMESPACE KernelForge::
  DESTINATION ${KF_CMAKE_DIR})
configure_package_config_file(cmake/KernelForgeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/KernelForgeConfig.cmake
  INSTALL_DESTINATION ${KF_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/KernelForgeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/KernelForgeConfig.cmake
  ${PROJECT_BINARY_DIR}/KernelForgeConfigVersion.cmake
  DESTINATION ${KF_CMAKE_DIR})
