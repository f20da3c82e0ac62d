# Figure written by gprior. Re-render it with:  gnuplot <this file>
# from any folder: the image is written beside this script (or to
# gprior_output if set: gnuplot -e "gprior_output='x.png'" <this file>;
# gprior_output='' writes to standard output).
# All data are inline below; edit the settings freely.
set encoding utf8
gprior_arg0 = exists("ARG0") ? ARG0 : ''
gprior_i = strlen(gprior_arg0)
while (gprior_i > 0 && gprior_arg0[gprior_i:gprior_i] ne '/') { gprior_i = gprior_i - 1 }
gprior_dir = gprior_i > 0 ? gprior_arg0[1:gprior_i - 1] : '.'
gprior_default = gprior_dir . '/' . 'time_vs_n.png'
gprior_output = exists("gprior_output") ? gprior_output : gprior_default
# A relative name gets a leading ./ so that gnuplot never takes it for a
# pipe ('|command') or a home folder ('~').
if (gprior_output ne '' && gprior_output[1:1] ne '/') { gprior_output = './' . gprior_output }
# theme: notebook
set terminal pngcairo size 900,650 enhanced font 'sans,11' fontscale 1 linewidth 1 pointscale 1 background '#ffffff'
if (gprior_output eq '') { set output } else { set output gprior_output }
set grid back lc rgb '#dddddd' lw 1 dt 1
set border 3 back lc rgb '#404040'
set tics nomirror out scale 0.5
set style textbox opaque noborder

$d1 << EOD
500 0.0016865929999999999
1000 0.0098462710000000002
2000 0.039311500999999999
4000 0.20525816299999999
EOD
$d2 << EOD
500 0.0016865929999999999
1000 0.0098462710000000002
2000 0.039311500999999999
4000 0.20525816299999999
EOD
$d3 << EOD
500 0.002796771
1000 0.015145979
2000 0.054482098
4000 0.248724061
EOD
$d4 << EOD
500 0.002796771
1000 0.015145979
2000 0.054482098
4000 0.248724061
EOD
$d5 << EOD
500 0.0026801149999999998
1000 0.011586786
2000 0.057442247000000002
4000 0.31447649300000002
EOD
$d6 << EOD
500 0.0026801149999999998
1000 0.011586786
2000 0.057442247000000002
4000 0.31447649300000002
EOD
$d7 << EOD
500 0.0052471030000000004
1000 0.021895673000000001
2000 0.12050321999999999
4000 0.64583180900000003
EOD
$d8 << EOD
500 0.0052471030000000004
1000 0.021895673000000001
2000 0.12050321999999999
4000 0.64583180900000003
EOD
$d9 << EOD
500 0.0028914919999999998
1000 0.00028086000000000002
2000 0.00068153899999999999
4000 0.0010450100000000001
EOD
$d10 << EOD
500 0.0028914919999999998
1000 0.00028086000000000002
2000 0.00068153899999999999
4000 0.0010450100000000001
EOD
$d11 << EOD
500 0.043933801000000001
1000 0.25822940799999999
2000 1.90559967
4000 14.4214603
EOD
$d12 << EOD
500 0.043933801000000001
1000 0.25822940799999999
2000 1.90559967
4000 14.4214603
EOD
$d13 << EOD
500 0.004679725
1000 0.015914563999999999
2000 0.098437887000000002
4000 0.64904307800000005
EOD
$d14 << EOD
500 0.004679725
1000 0.015914563999999999
2000 0.098437887000000002
4000 0.64904307800000005
EOD
$d15 << EOD
500 0.061961206999999997
1000 0.40094804699999997
2000 2.6954753199999999
4000 18.649275899999999
EOD
$d16 << EOD
500 0.061961206999999997
1000 0.40094804699999997
2000 2.6954753199999999
4000 18.649275899999999
EOD
$d17 << EOD
500 0.046334695000000002
1000 0.26348813399999998
2000 2.1153021000000001
4000 14.865112
EOD
$d18 << EOD
500 0.046334695000000002
1000 0.26348813399999998
2000 2.1153021000000001
4000 14.865112
EOD

# ---- panel 1
set size noratio
set title '5 draws on n points: median wall time (dense OU, smooth RBF)' noenhanced font 'sans,12.1'
set xlabel 'n (points)' noenhanced
set ylabel 'seconds' noenhanced
unset zlabel
set logscale x
set autoscale x
set autoscale xfix
set xrange [100:10000] noreverse
set logscale y
set autoscale y
set yrange [*:*] noreverse
set lmargin -1
set rmargin -1
set bmargin -1
set tmargin -1
set xtics autofreq
set ytics autofreq
set format x '10^{%L}'
set format y '10^{%L}'
set key top left reverse Left opaque fc rgb '#33ffffff' box lc rgb '#cccccc' samplen 2
unset colorbox
unset cblabel
set border 3 back lc rgb '#404040'
set grid back lc rgb '#dddddd' lw 1 dt 1
plot \
    $d1 using 1:2 with lines lw 2 dt 2 lc rgb '#7f7f7f' title 'floor: best dpotrf, OU (Cooperlake kernels)' noenhanced, \
    $d2 using 1:2 with points pt 7 ps 1 lc rgb '#7f7f7f' notitle, \
    $d3 using 1:2 with lines lw 2 dt 1 lc rgb '#1f77b4' title 'gprior dense OU on [0, 5]' noenhanced, \
    $d4 using 1:2 with points pt 7 ps 1 lc rgb '#1f77b4' notitle, \
    $d5 using 1:2 with lines lw 2 dt 1 lc rgb '#ff7f0e' title 'gprior dense OU on [0, 1000]' noenhanced, \
    $d6 using 1:2 with points pt 7 ps 1 lc rgb '#ff7f0e' notitle, \
    $d7 using 1:2 with lines lw 2 dt 1 lc rgb '#e377c2' title 'numpy expert OU, good kernels' noenhanced, \
    $d8 using 1:2 with points pt 7 ps 1 lc rgb '#e377c2' notitle, \
    $d9 using 1:2 with lines lw 2 dt 1 lc rgb '#17becf' title 'gprior RBF (default path)' noenhanced, \
    $d10 using 1:2 with points pt 7 ps 1 lc rgb '#17becf' notitle, \
    $d11 using 1:2 with lines lw 2 dt 1 lc rgb '#2ca02c' title '(a) d2l helper, RBF' noenhanced, \
    $d12 using 1:2 with points pt 7 ps 1 lc rgb '#2ca02c' notitle, \
    $d13 using 1:2 with lines lw 2 dt 1 lc rgb '#d62728' title '(b) numpy expert, RBF' noenhanced, \
    $d14 using 1:2 with points pt 7 ps 1 lc rgb '#d62728' notitle, \
    $d15 using 1:2 with lines lw 2 dt 1 lc rgb '#9467bd' title '(c) scipy.stats, RBF' noenhanced, \
    $d16 using 1:2 with points pt 7 ps 1 lc rgb '#9467bd' notitle, \
    $d17 using 1:2 with lines lw 2 dt 1 lc rgb '#8c564b' title '(d) sklearn, RBF' noenhanced, \
    $d18 using 1:2 with points pt 7 ps 1 lc rgb '#8c564b' notitle
unset output
