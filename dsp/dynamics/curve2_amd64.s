//go:build !purego

#include "textflag.h"

// RELU(src, dst): dst = src < 0 (sign bit set) ? +0 : src, per lane: the
// sign bit spread over the word masks it.
#define RELU(src, dst) \
	VPSHUFD $0xF5, src, dst \
	VPSRAD $31, dst, dst \
	VPANDN src, dst, dst

// func curveBallistics2AVX(lga, ga, lgb, gb *float64, n int, k *curvePair, y *[2]float64)
//
// curveBallisticsSSE2's loop for two compressors at once, a in the low
// lane of each register and b in the high lane, each with its own
// parameters (k: every field a lane pair) and state (y). Every lane
// performs the scalar kernel's operations in its order, VEX-encoded so
// that memory operands need no alignment:
//
//	xdB = lg[i]*dbPerUnit
//	t   = min(relu(xdB - kneeLo), knee)
//	r   = slope*((t*t)*invTwoW + relu(xdB - kneeHi))
//	r   = start < g[i] ? r : +0
//	d   = y - r
//	p   = max(att*d, rel*d)  (min when att > rel, for both lanes)
//	p   = 0 if -flush < p < flush
//	y   = p + r, then 0 if y < floor and r == 0
//	g[i] = (makeup - y)*octavesPerDB
//
// The scalar kernel branches around the flush and the floor; here the
// two lanes would disagree, so the loop computes y = p + r and takes the
// exact path (both masks applied) only when a lane needs either: |p| <
// flush with p not +0, or y < floor with r == 0 and y not +0. Otherwise
// neither changes a lane: flushing +0 leaves it, and y = +0 is already
// the floor's 0. The test is off the recursion's path (a predicted
// branch), so the two recursions share one chain of latency.
//
// Registers: X0 y; X1 start; X2 makeupDB; X9 +0; X3-X8, X10-X15 scratch;
// R9 attackAbove. The caller checks for AVX (cpu.X86.HasAVX).
TEXT ·curveBallistics2AVX(SB), NOSPLIT, $0-56
	MOVQ lga+0(FP), AX
	MOVQ ga+8(FP), BX
	MOVQ lgb+16(FP), R10
	MOVQ gb+24(FP), R11
	MOVQ n+32(FP), CX
	MOVQ k+40(FP), R8
	MOVQ y+48(FP), DI
	VMOVUPD (DI), X0
	VMOVUPD 96(R8), X1  // start
	VMOVUPD 144(R8), X2 // makeupDB
	VXORPD X9, X9, X9
	MOVQ 224(R8), R9    // attackAbove
	XORQ DX, DX
	TESTQ CX, CX
	JLE done

loop:
	// The static curve.
	VMOVSD (AX)(DX*8), X12
	VMOVHPD (R10)(DX*8), X12, X12
	VMULPD 0(R8), X12, X12    // xdB = lg*dbPerUnit
	VSUBPD 16(R8), X12, X13   // xdB - kneeLo
	RELU(X13, X14)
	VMINPD 48(R8), X14, X14   // min(t, knee)
	VMULPD X14, X14, X14
	VMULPD 64(R8), X14, X14   // *invTwoW
	VSUBPD 32(R8), X12, X12   // xdB - kneeHi
	RELU(X12, X13)
	VADDPD X13, X14, X14
	VMULPD 80(R8), X14, X14   // *slope
	VMOVSD (BX)(DX*8), X13
	VMOVHPD (R11)(DX*8), X13, X13
	VCMPPD $1, X13, X1, X12   // start < level
	VANDPD X12, X14, X14      // r

	// The ballistics.
	VSUBPD X14, X0, X12       // d = y - r
	VMULPD 112(R8), X12, X13  // att*d
	VMULPD 128(R8), X12, X12  // rel*d
	TESTQ R9, R9
	JNE attackabove
	VMAXPD X12, X13, X13
	JMP picked

attackabove:
	VMINPD X12, X13, X13

picked:
	VADDPD X14, X13, X15      // y = p + r
	// Does a lane need the flush or the floor?
	VANDPD 208(R8), X13, X3   // |p|
	VCMPPD $1, 192(R8), X3, X3 // |p| < flush
	VPCMPEQQ X9, X13, X4      // p is +0
	VANDNPD X3, X4, X3
	VCMPPD $1, 176(R8), X15, X5 // y < floor
	VCMPPD $0, X9, X14, X6    // r == 0
	VANDPD X6, X5, X5
	VPCMPEQQ X9, X15, X7      // y is +0
	VANDNPD X5, X7, X5
	VORPD X5, X3, X3
	VMOVMSKPD X3, R12
	TESTQ R12, R12
	JNE exact

stepped:
	VMOVAPD X15, X0
	VSUBPD X0, X2, X12        // makeup - y
	VMULPD 160(R8), X12, X12  // *octavesPerDB
	VMOVSD X12, (BX)(DX*8)
	VMOVHPD X12, (R11)(DX*8)
	INCQ DX
	CMPQ DX, CX
	JLT loop

done:
	VMOVUPD X0, (DI)
	VZEROUPPER
	RET

exact:
	// The scalar kernel's flush and floor, as masks.
	VANDPD 208(R8), X13, X3
	VCMPPD $1, 192(R8), X3, X3
	VANDNPD X13, X3, X13      // p = 0 where |p| < flush
	VADDPD X14, X13, X15      // y = p + r
	VCMPPD $1, 176(R8), X15, X5
	VCMPPD $0, X9, X14, X6
	VANDPD X6, X5, X5
	VANDNPD X15, X5, X15      // y = 0 where y < floor and r == 0
	JMP stepped
