# Procs shared by the schedule_*.in examples: read every weight array of the
# current network through getObj, and log which arrays changed after each
# weight update (install logArrays as the postUpdateProc).
#   source schedule_log.tcl

# {name values name values ...}: one entry per projection, named
# receiver<-sender as in update schedules, values receiving unit by unit.
proc arrayWeights {} {
    set names {}
    for {set g 0} {$g < [getObj numGroups]} {incr g} {
        set group [getObj group($g).name]
        for {set u 0} {$u < [getObj group($g).numUnits]} {incr u} {
            set k 0
            for {set b 0} {$b < [getObj ${group}:$u.numBlocks]} {incr b} {
                set name "$group<-[getObj ${group}:$u.block($b).unit.group.name]"
                if {![info exists w($name)]} {
                    lappend names $name
                    set w($name) {}
                }
                for {set i 0} {$i < [getObj ${group}:$u.block($b).numUnits]} {incr i} {
                    lappend w($name) [getObj ${group}:$u.incoming($k).weight]
                    incr k
                }
            }
        }
    }
    set out {}
    foreach name $names {
        lappend out $name $w($name)
    }
    return $out
}

# The projection names of the current network, in Lens's order.
proc arrayNames {} {
    set names {}
    foreach {name values} [arrayWeights] {
        lappend names $name
    }
    return $names
}

# Remember the current weights (call before training).
proc rememberArrays {} {
    global lastWeights timesChanged
    foreach {name values} [arrayWeights] {
        set lastWeights($name) $values
        if {![info exists timesChanged($name)]} {
            set timesChanged($name) 0
        }
    }
}

# The arrays whose weights changed since the last call (or rememberArrays);
# counts them in timesChanged.
proc changedArrays {} {
    global lastWeights timesChanged
    set changed {}
    foreach {name values} [arrayWeights] {
        if {![info exists lastWeights($name)] || $lastWeights($name) ne $values} {
            lappend changed $name
            incr timesChanged($name)
        }
        set lastWeights($name) $values
    }
    return $changed
}

# postUpdateProc: which arrays learned on this update, and (with
# showWeights 1) every array's weights.
set showWeights 0
proc logArrays {} {
    global showWeights
    set changed [changedArrays]
    puts [format "update %3d  learned: %-40s (next step: %d)" \
              [expr {[getObj totalUpdates] + 1}] \
              [expr {$changed eq "" ? "nothing" : $changed}] [getObj updateScheduleStep]]
    if {$showWeights} {
        foreach {name values} [arrayWeights] {
            set shown {}
            foreach v $values {
                lappend shown [format %7.4f $v]
            }
            puts [format "    %-18s %s" $name [join $shown " "]]
        }
    }
}

# How many updates changed each array (since rememberArrays).
proc printChangeCounts {} {
    global timesChanged
    foreach name [arrayNames] {
        puts [format "  %-18s changed on %d updates" $name $timesChanged($name)]
    }
}
