# Writes the version header with the source tree's current git revision (run at every build
# by the steppe_version target; configure_file leaves the file untouched when nothing
# changed, so nothing recompiles then). -DSOURCE_DIR, -DINPUT, -DOUTPUT, -DPROJECT_VERSION.
execute_process(COMMAND git describe --always --dirty --abbrev=12
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE STEPPE_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT STEPPE_GIT_REVISION)
  set(STEPPE_GIT_REVISION "unknown")
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
