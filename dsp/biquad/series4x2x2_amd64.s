//go:build !purego

#include "textflag.h"

// FLUSH(m): m = |m| < threshold ? +0 : m, per lane (Y9 the abs mask, Y11
// the threshold, Y10 scratch).
#define FLUSH(m) \
	VANDPD Y9, m, Y10 \
	VCMPPD $1, Y11, Y10, Y10 \
	VANDNPD m, Y10, m

// SECTION(off, u, y, s1, s2, a1): one TDF-II section on four lanes, its
// coefficients at off(AX) (B0 B1 B2 A1 A2, 32 bytes each), A1 also in a1:
// y = B0*u + s1; s1 = (B1*u - A1*y) + s2; s2 = B2*u - A2*y. Y10 and Y11
// are scratch.
#define SECTION(off, u, y, s1, s2, a1) \
	VMULPD (off)(AX), u, y \
	VADDPD s1, y, y \
	VMULPD (off+32)(AX), u, Y10 \
	VMULPD y, a1, Y11 \
	VSUBPD Y11, Y10, Y10 \
	VADDPD s2, Y10, s1 \
	VMULPD (off+64)(AX), u, Y10 \
	VMULPD (off+128)(AX), y, Y11 \
	VSUBPD Y11, Y10, s2

// func series4x2x2AVX(c *[88]float64, s *[32]float64, xa0, xa1, xb0, xb1 *float64, n, phase, every int) int
//
// series4x2SSE2 for two stereo signals at once, each with its own four
// sections, in the four lanes of AVX registers: lane 0 xa0, lane 1 xa1
// (both with signal a's sections), lane 2 xb0, lane 3 xb1 (signal b's).
// c holds, per section, B0 B1 B2 A1 A2 as four-lane vectors (a a b b),
// then the abs mask and the threshold four times each; s the memories as
// four-lane vectors, s1 then s2 per section. Every lane performs the
// scalar kernel's operations in its order:
//
//	y  = B0*u + s1
//	s1 = (B1*u - A1*y) + s2
//	s2 = B2*u - A2*y
//
// VMULPD/VADDPD/VSUBPD round each lane like MULSD/ADDSD/SUBSD and nothing
// is fused, so each lane's result is the scalar kernel's, bit for bit. Two
// independent signals share one pass of the recursion's latency, where
// the two-lane kernel leaves half the multipliers idle waiting on it.
//
// The checkpoint is series4x2SSE2's: phase counts frames since the last
// flush; when it reaches every (never, for every = 0) every memory is
// flushed and phase starts over. The final phase is returned.
//
// Registers: Y0-Y7 the memories (s1, s2 of sections 0-3), Y8 and Y9 the
// samples between sections (each section's output is the next one's
// input), Y10 Y11 scratch, Y12-Y15 A1 of sections 0-3; R8 phase, R9
// every. The caller checks for AVX (cpu.X86.HasAVX).
TEXT ·series4x2x2AVX(SB), NOSPLIT, $0-80
	MOVQ c+0(FP), AX
	MOVQ s+8(FP), BX
	MOVQ xa0+16(FP), SI
	MOVQ xa1+24(FP), DI
	MOVQ xb0+32(FP), R10
	MOVQ xb1+40(FP), R11
	MOVQ n+48(FP), CX
	MOVQ phase+56(FP), R8
	MOVQ every+64(FP), R9
	VMOVUPD 0(BX), Y0
	VMOVUPD 32(BX), Y1
	VMOVUPD 64(BX), Y2
	VMOVUPD 96(BX), Y3
	VMOVUPD 128(BX), Y4
	VMOVUPD 160(BX), Y5
	VMOVUPD 192(BX), Y6
	VMOVUPD 224(BX), Y7
	VMOVUPD 96(AX), Y12
	VMOVUPD 256(AX), Y13
	VMOVUPD 416(AX), Y14
	VMOVUPD 576(AX), Y15
	XORQ DX, DX
	TESTQ CX, CX
	JLE done

loop:
	VMOVSD (SI)(DX*8), X8
	VMOVHPD (DI)(DX*8), X8, X8
	VMOVSD (R10)(DX*8), X10
	VMOVHPD (R11)(DX*8), X10, X10
	VINSERTF128 $1, X10, Y8, Y8
	SECTION(0, Y8, Y9, Y0, Y1, Y12)
	SECTION(160, Y9, Y8, Y2, Y3, Y13)
	SECTION(320, Y8, Y9, Y4, Y5, Y14)
	SECTION(480, Y9, Y8, Y6, Y7, Y15)
	VMOVSD X8, (SI)(DX*8)
	VMOVHPD X8, (DI)(DX*8)
	VEXTRACTF128 $1, Y8, X10
	VMOVSD X10, (R10)(DX*8)
	VMOVHPD X10, (R11)(DX*8)
	INCQ R8
	CMPQ R8, R9
	JNE next
	VMOVUPD 640(AX), Y9  // abs mask
	VMOVUPD 672(AX), Y11 // threshold
	FLUSH(Y0)
	FLUSH(Y1)
	FLUSH(Y2)
	FLUSH(Y3)
	FLUSH(Y4)
	FLUSH(Y5)
	FLUSH(Y6)
	FLUSH(Y7)
	XORQ R8, R8

next:
	INCQ DX
	CMPQ DX, CX
	JLT loop

done:
	MOVQ R8, ret+72(FP)
	VMOVUPD Y0, 0(BX)
	VMOVUPD Y1, 32(BX)
	VMOVUPD Y2, 64(BX)
	VMOVUPD Y3, 96(BX)
	VMOVUPD Y4, 128(BX)
	VMOVUPD Y5, 160(BX)
	VMOVUPD Y6, 192(BX)
	VMOVUPD Y7, 224(BX)
	VZEROUPPER
	RET
