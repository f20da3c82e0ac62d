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
500 0.011522871000000001
1000 0.040883252000000002
2000 0.222696542
4000 1.1247456499999999
EOD
$d2 << EOD
500 0.011522871000000001
1000 0.040883252000000002
2000 0.222696542
4000 1.1247456499999999
EOD
$d3 << EOD
500 0.014621283000000001
1000 0.063215561000000003
2000 0.286225699
4000 1.54476506
EOD
$d4 << EOD
500 0.014621283000000001
1000 0.063215561000000003
2000 0.286225699
4000 1.54476506
EOD
$d5 << EOD
500 0.031251020999999997
1000 0.12802804000000001
2000 0.70751056300000004
4000 5.2524797100000002
EOD
$d6 << EOD
500 0.031251020999999997
1000 0.12802804000000001
2000 0.70751056300000004
4000 5.2524797100000002
EOD
$d7 << EOD
500 0.020495813000000002
1000 0.107938723
2000 0.44533238600000002
4000 3.65755338
EOD
$d8 << EOD
500 0.020495813000000002
1000 0.107938723
2000 0.44533238600000002
4000 3.65755338
EOD
$d9 << EOD
500 0.011860604
1000 0.036691762000000003
2000 0.162510509
4000 0.85267189300000001
EOD
$d10 << EOD
500 0.011860604
1000 0.036691762000000003
2000 0.162510509
4000 0.85267189300000001
EOD
$d11 << EOD
500 0.16271696699999999
1000 1.7122345800000001
2000 9.9629157599999996
4000 99.966178999999997
EOD
$d12 << EOD
500 0.16271696699999999
1000 1.7122345800000001
2000 9.9629157599999996
4000 99.966178999999997
EOD
$d13 << EOD
500 0.015272187
1000 0.069530966999999999
2000 0.56144912599999997
4000 3.47791066
EOD
$d14 << EOD
500 0.015272187
1000 0.069530966999999999
2000 0.56144912599999997
4000 3.47791066
EOD
$d15 << EOD
500 0.90792385200000003
1000 1.92526548
2000 15.5704175
EOD
$d16 << EOD
500 0.90792385200000003
1000 1.92526548
2000 15.5704175
EOD
$d17 << EOD
500 1.31153086
1000 1.4205462200000001
2000 11.7704743
EOD
$d18 << EOD
500 1.31153086
1000 1.4205462200000001
2000 11.7704743
EOD

# ---- panel 1
set title '5 draws on n points: median wall time (dense OU, smooth RBF)'
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
    $d1 using 1:2 with lines lw 2 dt 2 lc rgb '#7f7f7f' title 'floor: best dpotrf, OU (SkylakeX kernels)', \
    $d2 using 1:2 with points pt 7 ps 1 lc rgb '#7f7f7f' notitle, \
    $d3 using 1:2 with lines lw 2 dt 1 lc rgb '#1f77b4' title 'gprior dense OU on [0, 5]', \
    $d4 using 1:2 with points pt 7 ps 1 lc rgb '#1f77b4' notitle, \
    $d5 using 1:2 with lines lw 2 dt 1 lc rgb '#ff7f0e' title 'gprior dense OU on [0, 1000]', \
    $d6 using 1:2 with points pt 7 ps 1 lc rgb '#ff7f0e' notitle, \
    $d7 using 1:2 with lines lw 2 dt 1 lc rgb '#e377c2' title 'numpy expert OU, good kernels', \
    $d8 using 1:2 with points pt 7 ps 1 lc rgb '#e377c2' notitle, \
    $d9 using 1:2 with lines lw 2 dt 1 lc rgb '#17becf' title 'gprior RBF (default path)', \
    $d10 using 1:2 with points pt 7 ps 1 lc rgb '#17becf' notitle, \
    $d11 using 1:2 with lines lw 2 dt 1 lc rgb '#2ca02c' title '(a) d2l helper, RBF', \
    $d12 using 1:2 with points pt 7 ps 1 lc rgb '#2ca02c' notitle, \
    $d13 using 1:2 with lines lw 2 dt 1 lc rgb '#d62728' title '(b) numpy expert, RBF', \
    $d14 using 1:2 with points pt 7 ps 1 lc rgb '#d62728' notitle, \
    $d15 using 1:2 with lines lw 2 dt 1 lc rgb '#9467bd' title '(c) scipy.stats, RBF (estimates not drawn)', \
    $d16 using 1:2 with points pt 7 ps 1 lc rgb '#9467bd' notitle, \
    $d17 using 1:2 with lines lw 2 dt 1 lc rgb '#8c564b' title '(d) sklearn, RBF (estimates not drawn)', \
    $d18 using 1:2 with points pt 7 ps 1 lc rgb '#8c564b' notitle
unset output
