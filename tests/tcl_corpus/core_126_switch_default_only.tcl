puts [switch foo {default {format dflt}}]
