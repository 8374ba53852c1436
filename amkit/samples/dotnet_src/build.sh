#!/bin/sh
# Rebuild the ContosoBinary sample's ContosoBinary.dll from ContosoBinary.cs.
#
# Needs Mono's C# compiler (Debian: apt-get install mono-mcs; tested with mcs 6.8).
# System.Management.Automation.cs is a reference-only stand-in for the PowerShell SDK
# (no PowerShell or NuGet needed); it is compiled to a scratch folder and never shipped.
# mcs 6.8 writes a zero timestamp and a content-derived MVID, so the build is
# byte-for-byte reproducible; tests/test_dotnet.py checks the shipped DLL against it.
#
# Usage: build.sh [OUTPUT_DIR]   (default: ../modules/ContosoBinary)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../modules/ContosoBinary"}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

mcs -nologo -target:library -optimize+ -debug- \
    -out:"$scratch/System.Management.Automation.dll" \
    "$here/System.Management.Automation.cs"
mcs -nologo -target:library -optimize+ -debug- \
    -r:"$scratch/System.Management.Automation.dll" \
    -out:"$out/ContosoBinary.dll" \
    "$here/ContosoBinary.cs"
