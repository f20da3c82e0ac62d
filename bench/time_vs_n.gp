# Figure written by gprior. Re-render it with:  gnuplot <this file>
# from any folder: the image is written beside this script (or to
# gprior_output if set: gnuplot -e "gprior_output='x.png'" <this file>).
# All data are inline below; edit the settings freely.
set encoding utf8
gprior_arg0 = exists("ARG0") ? ARG0 : ''
gprior_i = strlen(gprior_arg0)
while (gprior_i > 0 && gprior_arg0[gprior_i:gprior_i] ne '/') { gprior_i = gprior_i - 1 }
gprior_dir = gprior_i > 0 ? gprior_arg0[1:gprior_i - 1] : '.'
gprior_default = gprior_dir . '/' . 'time_vs_n.png'
gprior_output = exists("gprior_output") ? gprior_output : gprior_default
set terminal pngcairo size 900,650 font 'sans,11' noenhanced background '#ffffff'
set output gprior_output
set grid back lc rgb '#dddddd' lw 1 dt 1
set border 3 back lc rgb '#404040'
set tics nomirror out scale 0.5

$d1 << EOD
500 0.004063629
1000 0.026840623000000001
2000 0.20965592799999999
4000 1.3213263200000001
EOD
$d2 << EOD
500 0.004063629
1000 0.026840623000000001
2000 0.20965592799999999
4000 1.3213263200000001
EOD
$d3 << EOD
500 0.003503553
1000 0.015578198
2000 0.072430710999999995
4000 0.31154907799999998
EOD
$d4 << EOD
500 0.003503553
1000 0.015578198
2000 0.072430710999999995
4000 0.31154907799999998
EOD
$d5 << EOD
500 0.0046181340000000003
1000 0.029877332999999999
2000 0.22164784300000001
4000 1.53672045
EOD
$d6 << EOD
500 0.0046181340000000003
1000 0.029877332999999999
2000 0.22164784300000001
4000 1.53672045
EOD
$d7 << EOD
500 0.0020820750000000001
1000 0.008595119
2000 0.034863586000000002
4000 0.11000323100000001
EOD
$d8 << EOD
500 0.0020820750000000001
1000 0.008595119
2000 0.034863586000000002
4000 0.11000323100000001
EOD
$d9 << EOD
500 0.10233679900000001
1000 0.64117829999999998
2000 4.7234779700000002
4000 33.160996599999997
EOD
$d10 << EOD
500 0.10233679900000001
1000 0.64117829999999998
2000 4.7234779700000002
4000 33.160996599999997
EOD
$d11 << EOD
500 0.0064495569999999999
1000 0.035687903
2000 0.19667791400000001
4000 1.6359683199999999
EOD
$d12 << EOD
500 0.0064495569999999999
1000 0.035687903
2000 0.19667791400000001
4000 1.6359683199999999
EOD
$d13 << EOD
500 0.17821014600000001
1000 1.1424024399999999
2000 7.5547510600000001
EOD
$d14 << EOD
500 0.17821014600000001
1000 1.1424024399999999
2000 7.5547510600000001
EOD
$d15 << EOD
500 0.106044389
1000 0.6193611
2000 4.9713445199999997
4000 30.312636399999999
EOD
$d16 << EOD
500 0.106044389
1000 0.6193611
2000 4.9713445199999997
4000 30.312636399999999
EOD

# ---- panel 1
set title '5 draws from an RBF prior on n points of [0, 5]: median wall time'
set xlabel 'n (points)'
set ylabel 'seconds'
set logscale x
set autoscale x
set autoscale xfix
set xrange [100:10000] noreverse
set logscale y
set autoscale y
set yrange [*:*] noreverse
set key top left reverse Left opaque box lc rgb '#cccccc' samplen 2
plot \
    $d1 using 1:2 with lines lw 2 dt 2 lc rgb '#7f7f7f' title 'floor: dpotrf', \
    $d2 using 1:2 with points pt 7 ps 1 lc rgb '#7f7f7f' notitle, \
    $d3 using 1:2 with lines lw 2 dt 1 lc rgb '#1f77b4' title 'gprior sample (default, pivoted)', \
    $d4 using 1:2 with points pt 7 ps 1 lc rgb '#1f77b4' notitle, \
    $d5 using 1:2 with lines lw 2 dt 1 lc rgb '#ff7f0e' title 'gprior sample, jitter 1e-8', \
    $d6 using 1:2 with points pt 7 ps 1 lc rgb '#ff7f0e' notitle, \
    $d7 using 1:2 with lines lw 2 dt 1 lc rgb '#17becf' title 'gprior k:gram', \
    $d8 using 1:2 with points pt 7 ps 1 lc rgb '#17becf' notitle, \
    $d9 using 1:2 with lines lw 2 dt 1 lc rgb '#2ca02c' title '(a) d2l helper', \
    $d10 using 1:2 with points pt 7 ps 1 lc rgb '#2ca02c' notitle, \
    $d11 using 1:2 with lines lw 2 dt 1 lc rgb '#d62728' title '(b) numpy expert', \
    $d12 using 1:2 with points pt 7 ps 1 lc rgb '#d62728' notitle, \
    $d13 using 1:2 with lines lw 2 dt 1 lc rgb '#9467bd' title '(c) scipy.stats (estimates not drawn)', \
    $d14 using 1:2 with points pt 7 ps 1 lc rgb '#9467bd' notitle, \
    $d15 using 1:2 with lines lw 2 dt 1 lc rgb '#8c564b' title '(d) sklearn', \
    $d16 using 1:2 with points pt 7 ps 1 lc rgb '#8c564b' notitle
unset output
