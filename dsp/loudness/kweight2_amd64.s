//go:build !purego

#include "textflag.h"

// func kweight2SSE2(c *[20]float64, st *[14]float64, x, y *float64, n int)
//
// Meter.filter2Go with the left channel (x) in the low lane of each
// register and the right (y) in the high lane: both K-weighting stages
// in direct form I, and the sum of squares. c holds each coefficient
// twice (B0 B1 B2 A1 A2 of stage 1, then of stage 2); st the lane pairs
// x1 x2 s1 s2 o1 o2 acc. Every lane performs the Go loop's operations in
// its order (left to right: ((((B0*v + B1*x1) + B2*x2) - A1*s1) - A2*s2)),
// nothing fused, so the results are the same bits.
//
// X0-X5 x1 x2 s1 s2 o1 o2, X6 acc, X7 the input pair, X8 stage 1's
// output, X9 stage 2's, X10 scratch, X11-X15 stage 1's coefficients.
TEXT ·kweight2SSE2(SB), NOSPLIT, $0-40
	MOVQ c+0(FP), AX
	MOVQ st+8(FP), BX
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	MOVQ n+32(FP), CX
	MOVUPD 0(BX), X0
	MOVUPD 16(BX), X1
	MOVUPD 32(BX), X2
	MOVUPD 48(BX), X3
	MOVUPD 64(BX), X4
	MOVUPD 80(BX), X5
	MOVUPD 96(BX), X6
	MOVUPD 0(AX), X11
	MOVUPD 16(AX), X12
	MOVUPD 32(AX), X13
	MOVUPD 48(AX), X14
	MOVUPD 64(AX), X15
	XORQ DX, DX
	TESTQ CX, CX
	JLE done

loop:
	MOVSD (SI)(DX*8), X7
	MOVHPD (DI)(DX*8), X7
	// stage 1: y1 = B0*v + B1*x1 + B2*x2 - A1*s1 - A2*s2
	MOVAPD X11, X8
	MULPD X7, X8
	MOVAPD X12, X10
	MULPD X0, X10
	ADDPD X10, X8
	MOVAPD X13, X10
	MULPD X1, X10
	ADDPD X10, X8
	MOVAPD X14, X10
	MULPD X2, X10
	SUBPD X10, X8
	MOVAPD X15, X10
	MULPD X3, X10
	SUBPD X10, X8
	// stage 2: y2 = B0*y1 + B1*s1 + B2*s2 - A1*o1 - A2*o2
	MOVUPD 80(AX), X9
	MULPD X8, X9
	MOVUPD 96(AX), X10
	MULPD X2, X10
	ADDPD X10, X9
	MOVUPD 112(AX), X10
	MULPD X3, X10
	ADDPD X10, X9
	MOVUPD 128(AX), X10
	MULPD X4, X10
	SUBPD X10, X9
	MOVUPD 144(AX), X10
	MULPD X5, X10
	SUBPD X10, X9
	MOVAPD X0, X1
	MOVAPD X7, X0
	MOVAPD X2, X3
	MOVAPD X8, X2
	MOVAPD X4, X5
	MOVAPD X9, X4
	// acc += y2*y2
	MULPD X9, X9
	ADDPD X9, X6
	INCQ DX
	CMPQ DX, CX
	JLT loop

done:
	MOVUPD X0, 0(BX)
	MOVUPD X1, 16(BX)
	MOVUPD X2, 32(BX)
	MOVUPD X3, 48(BX)
	MOVUPD X4, 64(BX)
	MOVUPD X5, 80(BX)
	MOVUPD X6, 96(BX)
	RET
