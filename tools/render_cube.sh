#!/bin/sh
# Render an orbital cube file written by `orbscreen --cube` to a PNG with
# Jmol, headless (JmolData; Debian: libjmol-java default-jre-headless): the
# molecule as balls and sticks, the orbital as two translucent isosurfaces
# (positive red, negative blue) at +-CUTOFF bohr^-3/2.  The pictures in
# docs/lumo-pictures.md were made with it.
#   tools/render_cube.sh CUBE PNG [CUTOFF] [ROTATION]
# ROTATION: Jmol commands run before the picture, e.g. "rotate x 60".
set -eu
cube=$(readlink -f "$1")
png=$(readlink -f "$(dirname "$2")")/$(basename "$2")
cutoff=${3:-0.02}
rot=${4:-}
jar=${JMOLDATA_JAR:-/usr/share/java/JmolData.jar}
spt=$(mktemp)
trap 'rm -f "$spt"' EXIT
cat > "$spt" << SPT
load "$cube";
background white;
set antialiasDisplay true;
set showHydrogens true;
wireframe 0.15; spacefill 22%;
color bonds lightgray;
isosurface plus cutoff $cutoff "$cube" color [xe8534a] translucent 0.45;
isosurface minus cutoff -$cutoff "$cube" color [x3a7bd5] translucent 0.45;
$rot;
zoom 75;
write image 900 680 png "$png";
quit;
SPT
java -Djava.awt.headless=true -jar "$jar" -n -s "$spt" -x > /dev/null
[ -s "$png" ] && echo "$png"
