module pulumi-flow.local/bench/treecpu

go 1.24
