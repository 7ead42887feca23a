//go:build !purego

#include "textflag.h"

// FLUSH(m): m = |m| < threshold ? +0 : m, per lane (X9 the abs mask, X11
// the threshold, X10 scratch).
#define FLUSH(m) \
	MOVAPD m, X10 \
	ANDPD X9, X10 \
	CMPPD X11, X10, 1 \
	ANDNPD m, X10 \
	MOVAPD X10, m

// func series4x2SSE2(c *[44]float64, s *[16]float64, x0, x1 *float64, n, phase, every int) int
//
// Four TDF-II sections in series over two channels, the left channel in
// the low lane of each register and the right in the high lane. c holds
// each coefficient twice (B0 B0 B1 B1 B2 B2 A1 A1 A2 A2 per section), s
// the memories as lane pairs (s1 then s2 per section). Every lane performs
// the scalar kernel's operations in its order:
//
//	y  = B0*u + s1
//	s1 = (B1*u - A1*y) + s2
//	s2 = B2*u - A2*y
//
// MULPD/ADDPD/SUBPD round each lane like MULSD/ADDSD/SUBSD, and nothing is
// fused, so the result is the scalar kernel's, bit for bit.
//
// The checkpoint: phase counts frames since the last flush; when it
// reaches every (never, for every = 0), every memory is flushed as
// State.flush does (|m| < dsp.DenormalThreshold becomes +0; NaN stays)
// and phase starts over. The final phase is returned. c[40:44] hold the
// abs mask and the threshold, twice each.
//
// Registers: X0-X7 the memories (s1, s2 of sections 0-3), X8 the sample
// pair between sections, X9 y, X10 X11 scratch, X12-X15 A1 of sections
// 0-3 (the other coefficients are loaded where used); R8 phase, R9 every.
TEXT ·series4x2SSE2(SB), NOSPLIT, $0-64
	MOVQ c+0(FP), AX
	MOVQ s+8(FP), BX
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), DI
	MOVQ n+32(FP), CX
	MOVQ phase+40(FP), R8
	MOVQ every+48(FP), R9
	MOVUPD 0(BX), X0
	MOVUPD 16(BX), X1
	MOVUPD 32(BX), X2
	MOVUPD 48(BX), X3
	MOVUPD 64(BX), X4
	MOVUPD 80(BX), X5
	MOVUPD 96(BX), X6
	MOVUPD 112(BX), X7
	MOVUPD 48(AX), X12
	MOVUPD 128(AX), X13
	MOVUPD 208(AX), X14
	MOVUPD 288(AX), X15
	XORQ DX, DX
	TESTQ CX, CX
	JLE done

loop:
	MOVSD (SI)(DX*8), X8
	MOVHPD (DI)(DX*8), X8
	// section 0
	MOVUPD 0(AX), X9
	MULPD X8, X9
	ADDPD X0, X9
	MOVUPD 16(AX), X10
	MULPD X8, X10
	MOVAPD X12, X11
	MULPD X9, X11
	SUBPD X11, X10
	ADDPD X1, X10
	MOVAPD X10, X0
	MOVUPD 32(AX), X10
	MULPD X8, X10
	MOVUPD 64(AX), X11
	MULPD X9, X11
	SUBPD X11, X10
	MOVAPD X10, X1
	MOVAPD X9, X8
	// section 1
	MOVUPD 80(AX), X9
	MULPD X8, X9
	ADDPD X2, X9
	MOVUPD 96(AX), X10
	MULPD X8, X10
	MOVAPD X13, X11
	MULPD X9, X11
	SUBPD X11, X10
	ADDPD X3, X10
	MOVAPD X10, X2
	MOVUPD 112(AX), X10
	MULPD X8, X10
	MOVUPD 144(AX), X11
	MULPD X9, X11
	SUBPD X11, X10
	MOVAPD X10, X3
	MOVAPD X9, X8
	// section 2
	MOVUPD 160(AX), X9
	MULPD X8, X9
	ADDPD X4, X9
	MOVUPD 176(AX), X10
	MULPD X8, X10
	MOVAPD X14, X11
	MULPD X9, X11
	SUBPD X11, X10
	ADDPD X5, X10
	MOVAPD X10, X4
	MOVUPD 192(AX), X10
	MULPD X8, X10
	MOVUPD 224(AX), X11
	MULPD X9, X11
	SUBPD X11, X10
	MOVAPD X10, X5
	MOVAPD X9, X8
	// section 3
	MOVUPD 240(AX), X9
	MULPD X8, X9
	ADDPD X6, X9
	MOVUPD 256(AX), X10
	MULPD X8, X10
	MOVAPD X15, X11
	MULPD X9, X11
	SUBPD X11, X10
	ADDPD X7, X10
	MOVAPD X10, X6
	MOVUPD 272(AX), X10
	MULPD X8, X10
	MOVUPD 304(AX), X11
	MULPD X9, X11
	SUBPD X11, X10
	MOVAPD X10, X7
	MOVAPD X9, X8
	MOVSD X8, (SI)(DX*8)
	MOVHPD X8, (DI)(DX*8)
	INCQ R8
	CMPQ R8, R9
	JNE next
	MOVUPD 320(AX), X9  // abs mask
	MOVUPD 336(AX), X11 // threshold
	FLUSH(X0)
	FLUSH(X1)
	FLUSH(X2)
	FLUSH(X3)
	FLUSH(X4)
	FLUSH(X5)
	FLUSH(X6)
	FLUSH(X7)
	XORQ R8, R8

next:
	INCQ DX
	CMPQ DX, CX
	JLT loop

done:
	MOVQ R8, ret+56(FP)
	MOVUPD X0, 0(BX)
	MOVUPD X1, 16(BX)
	MOVUPD X2, 32(BX)
	MOVUPD X3, 48(BX)
	MOVUPD X4, 64(BX)
	MOVUPD X5, 80(BX)
	MOVUPD X6, 96(BX)
	MOVUPD X7, 112(BX)
	RET
