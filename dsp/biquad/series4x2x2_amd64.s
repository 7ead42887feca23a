//go:build !purego

#include "textflag.h"

// FLUSH(m): m = |m| < threshold ? +0 : m, per lane (Y9 the abs mask, Y11
// the threshold, Y10 scratch).
#define FLUSH(m) \
	VANDPD Y9, m, Y10 \
	VCMPPD $1, Y11, Y10, Y10 \
	VANDNPD m, Y10, m

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
	// section 0
	VMULPD 0(AX), Y8, Y9
	VADDPD Y0, Y9, Y9
	VMULPD 32(AX), Y8, Y10
	VMULPD Y9, Y12, Y11
	VSUBPD Y11, Y10, Y10
	VADDPD Y1, Y10, Y0
	VMULPD 64(AX), Y8, Y10
	VMULPD 128(AX), Y9, Y11
	VSUBPD Y11, Y10, Y1
	// section 1
	VMULPD 160(AX), Y9, Y8
	VADDPD Y2, Y8, Y8
	VMULPD 192(AX), Y9, Y10
	VMULPD Y8, Y13, Y11
	VSUBPD Y11, Y10, Y10
	VADDPD Y3, Y10, Y2
	VMULPD 224(AX), Y9, Y10
	VMULPD 288(AX), Y8, Y11
	VSUBPD Y11, Y10, Y3
	// section 2
	VMULPD 320(AX), Y8, Y9
	VADDPD Y4, Y9, Y9
	VMULPD 352(AX), Y8, Y10
	VMULPD Y9, Y14, Y11
	VSUBPD Y11, Y10, Y10
	VADDPD Y5, Y10, Y4
	VMULPD 384(AX), Y8, Y10
	VMULPD 448(AX), Y9, Y11
	VSUBPD Y11, Y10, Y5
	// section 3
	VMULPD 480(AX), Y9, Y8
	VADDPD Y6, Y8, Y8
	VMULPD 512(AX), Y9, Y10
	VMULPD Y8, Y15, Y11
	VSUBPD Y11, Y10, Y10
	VADDPD Y7, Y10, Y6
	VMULPD 544(AX), Y9, Y10
	VMULPD 608(AX), Y8, Y11
	VSUBPD Y11, Y10, Y7
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
