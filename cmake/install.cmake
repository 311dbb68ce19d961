# install.cmake - what `make install` (cmake --install, DESTDIR and --prefix honoured) and
# `make package` (CPack, a .deb) put where. Assets are compiled in: nothing under share/mxray.
install(TARGETS mxray RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The man page, gzip'd as Debian wants it (man reads it either way).
set(MXRAY_MAN_GZ ${PROJECT_BINARY_DIR}/mxray.1.gz)
add_custom_command(OUTPUT ${MXRAY_MAN_GZ}
  COMMAND gzip -9 -n -c ${PROJECT_SOURCE_DIR}/docs/mxray.1 > ${MXRAY_MAN_GZ}
  DEPENDS ${PROJECT_SOURCE_DIR}/docs/mxray.1 VERBATIM)
add_custom_target(manpage ALL DEPENDS ${MXRAY_MAN_GZ})
install(FILES ${MXRAY_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Shell completion. bash-completion looks in share/bash-completion/completions under either
# prefix; zsh's $fpath has share/zsh/vendor-completions for packages (/usr) and
# share/zsh/site-functions for /usr/local, decided when installing (make install PREFIX=...).
install(FILES completions/mxray.bash RENAME mxray
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(CODE "
  if(CMAKE_INSTALL_PREFIX MATCHES \"(^|/)usr/?$\")
    set(zsh_dir vendor-completions)
  else()
    set(zsh_dir site-functions)
  endif()
  file(INSTALL ${PROJECT_SOURCE_DIR}/completions/_mxray
    DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${zsh_dir}\")")

# README and the docs beside it (docs/*.md, globbed: new ones come along).
file(GLOB MXRAY_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES README.md ${MXRAY_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# make package: a .deb whose Depends come from the shared libraries the binary links
# (dpkg-shlibdeps, in dpkg-dev), installed under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mxray)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mxray maintainers <maintainers@mxray.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "diagnose SMTP MTA-STS, TLS-RPT and DANE for a mail domain")
set(CPACK_PACKAGE_DESCRIPTION "mxray walks the whole MTA-STS chain of a mail domain \
(RFC 8461): the _mta-sts TXT record, the HTTPS policy, the MX hosts and a STARTTLS handshake \
with each address, with TLS-RPT (RFC 8460) and DANE (RFC 7672) beside it, and says for every \
MX address whether a compliant sender would deliver there. Text and JSON reports, a curses \
interface, a policy linter, and a built-in offline teaching lab.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
include(CPack)
