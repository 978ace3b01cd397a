#!/bin/sh
# Render an orbital to a PNG with Jmol, headless (JmolData; Debian:
# libjmol-java default-jre-headless): the molecule as balls and sticks, the
# orbital as two slightly translucent isosurfaces at +-CUTOFF bohr^-3/2
# (one sign red, the other blue; an orbital's overall sign is arbitrary).
#   tools/render_orbital.sh FILE.cube PNG [CUTOFF] [VIEW]
#       a cube file from `orbscreen --cube` (values on orbscreen's grid)
#   tools/render_orbital.sh FILE.molden:N PNG [CUTOFF] [VIEW]
#       orbital N of a Molden file, evaluated by Jmol itself from the basis
#       and coefficients; Jmol's caption shows the energy and occupancy it read
# VIEW: Jmol commands run before the picture, e.g. "rotate x 60; zoom 120".
# The pictures in docs/lumo-pictures.md were made with it.
set -eu
src=${1%%:*}
mo=${1#*:}
[ "$mo" = "$1" ] && mo=""
src=$(readlink -f "$src")
png=$(readlink -f "$(dirname "$2")")/$(basename "$2")
cutoff=${3:-0.03}
view=${4:-}
jar=${JMOLDATA_JAR:-/usr/share/java/JmolData.jar}
spt=$(mktemp)
trap 'rm -f "$spt"' EXIT
if [ -n "$mo" ]; then
    surface="mo cutoff $cutoff; mo color [xe8534a] [x3a7bd5]; mo fill nomesh; mo translucent 0.15; mo $mo;"
else
    surface="isosurface plus cutoff $cutoff \"$src\"; color \$plus [xe8534a]; color \$plus translucent 0.15;
isosurface minus cutoff -$cutoff \"$src\"; color \$minus [x3a7bd5]; color \$minus translucent 0.15;"
fi
cat > "$spt" << SPT
load "$src";
background white;
set antialiasDisplay true;
set ambientPercent 55; set diffusePercent 60; set specularPercent 15;
wireframe 0.15; spacefill 22%;
color bonds lightgray;
$surface
zoom 75;
$view;
write image 900 680 png "$png";
quit;
SPT
java -Djava.awt.headless=true -jar "$jar" -n -s "$spt" -x > /dev/null
[ -s "$png" ] && echo "$png"
