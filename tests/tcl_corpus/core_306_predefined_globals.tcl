puts "$tcl_version $tcl_platform(os) $tcl_platform(platform) $tcl_interactive"
puts [info exists env(PATH)]
puts [expr {[info tclversion] eq $tcl_version}]
puts [expr {[info patchlevel] eq $tcl_patchLevel}]
puts $tcl_platform(byteOrder)
