//go:build !purego

#include "textflag.h"

// func log2x2(dst, src *float64, n int, k *[18]float64, gc *[4]uint64, tab *[log2N]struct{ c, invc, logc, logcLo float64 }) int
//
// Log2Slice's loop over pairs of elements, each in a lane of the SSE2
// registers: the same operations as Log2's fast path in the same order
// (packed adds, subtracts and multiplies round each lane as the scalar
// ones do; every value is finite there, so operand order within an add or
// a multiply changes nothing). The table index, the reduced argument z and
// the exponent kd are integer work on each lane's bits, and the table
// entries are loaded per lane. n is even. It stops at the first pair with
// an element outside the fast path (zero, subnormal, negative, Inf, NaN),
// which the caller computes with Log2, and returns how many elements it
// wrote.
//
// k holds lane pairs: the clearLo mask, log2EHi, log2ELo, A0-A5. g holds
// 0x0010000000000000, 0x7fe0000000000000, log2Off and 0xfff<<52 (gc).
// Registers: X0 z, X2 kd, X4 c, X5 invc, X6 z-c then rErr, X7 r, X8 hi,
// X9 logc, X10 lo, X11 logcLo, X12 rHi then t1, X13 rLo then t2, X14 y,
// X15 r2; X0-X3 scratch once consumed.
TEXT ·log2x2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), DX
	MOVQ gc+32(FP), R9
	MOVQ tab+40(FP), R8
	XORQ R10, R10

loop:
	CMPQ R10, CX
	JGE done
	MOVQ (SI)(R10*8), AX
	MOVQ 8(SI)(R10*8), BX
	// Both in the fast path (normal, positive, finite), else stop here.
	MOVQ AX, R11
	SUBQ 0(R9), R11
	CMPQ R11, 8(R9)
	JCC done
	MOVQ BX, R11
	SUBQ 0(R9), R11
	CMPQ R11, 8(R9)
	JCC done

	// Lane 0: tmp, the table offset, z and kd.
	MOVQ AX, R11
	SUBQ 16(R9), R11
	MOVQ R11, R12
	SHRQ $45, R12
	ANDQ $127, R12
	SHLQ $5, R12
	MOVQ R11, R14
	ANDQ 24(R9), R14
	MOVQ AX, R15
	SUBQ R14, R15
	SARQ $52, R11
	CVTSQ2SD R11, X2
	MOVQ R15, X0

	// Lane 1.
	MOVQ BX, R11
	SUBQ 16(R9), R11
	MOVQ R11, R13
	SHRQ $45, R13
	ANDQ $127, R13
	SHLQ $5, R13
	MOVQ R11, R14
	ANDQ 24(R9), R14
	MOVQ BX, R15
	SUBQ R14, R15
	SARQ $52, R11
	CVTSQ2SD R11, X3
	MOVQ R15, X1
	UNPCKLPD X1, X0
	UNPCKLPD X3, X2

	// The table entries, lane by lane.
	MOVSD 0(R8)(R12*1), X4
	MOVHPD 0(R8)(R13*1), X4
	MOVSD 8(R8)(R12*1), X5
	MOVHPD 8(R8)(R13*1), X5
	MOVSD 16(R8)(R12*1), X9
	MOVHPD 16(R8)(R13*1), X9
	MOVSD 24(R8)(R12*1), X11
	MOVHPD 24(R8)(R13*1), X11

	// r = (z - c)*invc; hi = kd + logc; lo = ((kd - hi) + logc) + logcLo.
	MOVAPD X0, X6
	SUBPD X4, X6
	MOVAPD X6, X7
	MULPD X5, X7
	MOVAPD X2, X8
	ADDPD X9, X8
	MOVAPD X2, X10
	SUBPD X8, X10
	ADDPD X9, X10
	ADDPD X11, X10

	// rHi, rLo and rErr = ((z - c) - rHi*c) - rLo*c.
	MOVUPD 0(DX), X12
	ANDPD X7, X12
	MOVAPD X7, X13
	SUBPD X12, X13
	MOVAPD X12, X14
	MULPD X4, X14
	SUBPD X14, X6
	MOVAPD X13, X14
	MULPD X4, X14
	SUBPD X14, X6

	// t1 = rHi*EHi; t2 = (rLo*EHi + (rErr*invc)*EHi) + r*ELo.
	MOVUPD 16(DX), X1
	MULPD X1, X12
	MULPD X1, X13
	MULPD X5, X6
	MULPD X1, X6
	ADDPD X6, X13
	MOVUPD 32(DX), X3
	MULPD X7, X3
	ADDPD X3, X13

	// y = hi + t1; lo += ((hi - y) + t1) + t2.
	MOVAPD X8, X14
	ADDPD X12, X14
	SUBPD X14, X8
	ADDPD X12, X8
	ADDPD X13, X8
	ADDPD X8, X10

	// p = ((A0 + r*A1) + r2*(A2 + r*A3)) + (r2*r2)*(A4 + r*A5).
	MOVAPD X7, X15
	MULPD X7, X15
	MOVUPD 64(DX), X0
	MULPD X7, X0
	MOVUPD 48(DX), X1
	ADDPD X1, X0
	MOVUPD 96(DX), X1
	MULPD X7, X1
	MOVUPD 80(DX), X2
	ADDPD X2, X1
	MULPD X15, X1
	ADDPD X1, X0
	MOVUPD 128(DX), X1
	MULPD X7, X1
	MOVUPD 112(DX), X2
	ADDPD X2, X1
	MOVAPD X15, X2
	MULPD X15, X2
	MULPD X2, X1
	ADDPD X1, X0

	// y + (lo + r2*p).
	MULPD X15, X0
	ADDPD X0, X10
	ADDPD X10, X14
	MOVUPD X14, (DI)(R10*8)
	ADDQ $2, R10
	JMP loop

done:
	MOVQ R10, ret+48(FP)
	RET
